{#-
    A place name reduced to the form two lists of the same places agree on, for matching PSA's names to
    OBCMS's (exact equality after normalisation; nothing fuzzier):

      1. accents stripped (Niño -> Nino, Dumingag stays), then lower case;
      2. parenthetical remarks dropped: 'Davao City (HUC)', 'Ipil (Capital)' -> 'davao city', 'ipil';
      3. apostrophes dropped, every other run of punctuation or white space -> one space, trimmed;
      4. 'sto' / 'sta' as whole words -> 'santo' / 'santa' ('Sto. Tomas' -> 'santo tomas');
      5. 'city of X' -> 'X city' ('CITY OF ISABELA' and 'Isabela City' both -> 'isabela city').

    A null name stays null. regexp_replace with the 'g' flag and \1 back-references works as written on
    DuckDB and PostgreSQL; accent stripping is dispatched (DuckDB's strip_accents, translate elsewhere).
-#}
{% macro normalize_place_name(expr) -%}
    trim(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    ' ' || regexp_replace(
                        regexp_replace(
                            regexp_replace(
                                lower({{ strip_accents(expr) }}),
                                '\([^)]*\)', ' ', 'g'
                            ),
                            '[''`´’]', '', 'g'
                        ),
                        '[^a-z0-9]+', ' ', 'g'
                    ) || ' ',
                    ' sto ', ' santo ', 'g'
                ),
                ' sta ', ' santa ', 'g'
            ),
            '^ *city of (.*[^ ]) *$', '\1 city'
        )
    )
{%- endmacro %}


{#- Letters without their accents (ñ -> n), case kept. -#}
{% macro strip_accents(expr) -%}
    {{ return(adapter.dispatch('strip_accents')(expr)) }}
{%- endmacro %}

{% macro default__strip_accents(expr) -%}
    translate(
        {{ expr }},
        'ÁÀÂÄÃÅáàâäãåÉÈÊËéèêëÍÌÎÏíìîïÓÒÔÖÕóòôöõÚÙÛÜúùûüÑñÇç',
        'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuNnCc'
    )
{%- endmacro %}

{% macro duckdb__strip_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}


{#-
    How alike two (normalised) names are, from 0 to 1 (1 = identical): Jaro-Winkler similarity, which
    favours names sharing a beginning ('isulan' vs 'isabela city'). Only DuckDB has it built in; other
    adapters fail at compile time rather than rank candidates some other way.
-#}
{% macro name_similarity(left, right) -%}
    {{ return(adapter.dispatch('name_similarity')(left, right)) }}
{%- endmacro %}

{% macro default__name_similarity(left, right) -%}
    {{ exceptions.raise_compiler_error("name_similarity: no Jaro-Winkler similarity function on " ~ target.type) }}
{%- endmacro %}

{% macro duckdb__name_similarity(left, right) -%}
    jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}
