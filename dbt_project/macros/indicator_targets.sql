{#-
    Parsing an indicator target as written ('80%', '1052', '1,052', '0.5', '810 (Physicians: 10, Nurses: 800)',
    '1,200 households', 'At least 3 per province', blank). One definition, used by fct_ppa_indicators:

      parse_status  'blank'                  null or only spaces
                    'parsed'                 a number alone, optionally followed by '%'
                    'parsed_leading_number'  a number, then a space, '%' or '(' and more text
                    'unparsed'               anything else (text first, '1st', '>75%', a number too large)
      target_value  the number with its thousands commas removed, DECIMAL(18,4); null unless parsed
      unit          '%' when the number is followed by '%'; the word when a single word follows the
                    number ('1,200 households' -> 'households'), unless it is a magnitude ('3 billion': the
                    value stays 3, the unit null, the status parsed_leading_number); else null

    A number is an optional sign, then digits with thousands commas ('1,052') or plain digits, then an
    optional decimal part; or a bare decimal part ('.5'). '1,2' is not a number with commas, so it reads
    as '1' followed by ',2' and is unparsed.

    Regular expressions and the cast that may fail go through the cross-database macros
    (macros/cross_database.sql: regex_full_match, regex_contains, regex_extract; dbt.safe_cast): DuckDB's
    regexp_full_match, regexp_matches, regexp_extract and try_cast, PostgreSQL's ~, regexp_substr and
    pg_input_is_valid. The pattern is written in the syntax both read.
-#}

{% macro indicator_target_number_pattern() -%}
[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:[.][0-9]+)?|[0-9]+(?:[.][0-9]+)?|[.][0-9]+)
{%- endmacro %}

{% macro _indicator_target_text(column) -%}
trim({{ column }})
{%- endmacro %}

{% macro _indicator_target_number(column) -%}
{{ dbt.safe_cast(
    "replace(" ~ regex_extract(_indicator_target_text(column), "'^(" ~ indicator_target_number_pattern() ~ ")'", 1) ~ ", ',', '')",
    'decimal(18, 4)'
) }}
{%- endmacro %}

{% macro indicator_target_parse_status(column) -%}
case
    when {{ column }} is null or {{ _indicator_target_text(column) }} = '' then 'blank'
    when {{ _indicator_target_number(column) }} is null then 'unparsed'
    when {{ regex_full_match(_indicator_target_text(column), "'" ~ indicator_target_number_pattern() ~ "\\s*%?'") }}
        then 'parsed'
    when {{ regex_contains(_indicator_target_text(column), "'^" ~ indicator_target_number_pattern() ~ "(?:\\s|%|\\()'") }}
        then 'parsed_leading_number'
    else 'unparsed'
end
{%- endmacro %}

{% macro indicator_target_value(column) -%}
case
    when {{ indicator_target_parse_status(column) }} in ('parsed', 'parsed_leading_number')
        then {{ _indicator_target_number(column) }}
end
{%- endmacro %}

{% macro indicator_target_unit(column) -%}
case
    when {{ indicator_target_parse_status(column) }} not in ('parsed', 'parsed_leading_number') then null
    when {{ regex_contains(_indicator_target_text(column), "'^" ~ indicator_target_number_pattern() ~ "\\s*%'") }}
        then '%'
    when {{ regex_full_match(_indicator_target_text(column), "'" ~ indicator_target_number_pattern() ~ "\\s+[A-Za-z]+'") }}
        and lower({{ regex_extract(_indicator_target_text(column), "'([A-Za-z]+)$'", 1) }})
            not in ('thousand', 'million', 'billion', 'trillion')
        then lower({{ regex_extract(_indicator_target_text(column), "'([A-Za-z]+)$'", 1) }})
end
{%- endmacro %}
