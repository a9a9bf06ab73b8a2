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

    Regular expressions are DuckDB's (RE2): regexp_full_match, regexp_matches, regexp_extract, try_cast.
    Another warehouse needs its own version of these four macros.
-#}

{% macro indicator_target_number_pattern() -%}
[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:[.][0-9]+)?|[0-9]+(?:[.][0-9]+)?|[.][0-9]+)
{%- endmacro %}

{% macro _indicator_target_text(column) -%}
trim({{ column }})
{%- endmacro %}

{% macro _indicator_target_number(column) -%}
try_cast(
    replace(regexp_extract({{ _indicator_target_text(column) }}, '^({{ indicator_target_number_pattern() }})', 1), ',', '')
    as decimal(18, 4)
)
{%- endmacro %}

{% macro indicator_target_parse_status(column) -%}
case
    when {{ column }} is null or {{ _indicator_target_text(column) }} = '' then 'blank'
    when {{ _indicator_target_number(column) }} is null then 'unparsed'
    when regexp_full_match({{ _indicator_target_text(column) }}, '{{ indicator_target_number_pattern() }}\s*%?')
        then 'parsed'
    when regexp_matches({{ _indicator_target_text(column) }}, '^{{ indicator_target_number_pattern() }}(?:\s|%|\()')
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
    when regexp_matches({{ _indicator_target_text(column) }}, '^{{ indicator_target_number_pattern() }}\s*%')
        then '%'
    when regexp_full_match({{ _indicator_target_text(column) }}, '{{ indicator_target_number_pattern() }}\s+[A-Za-z]+')
        and lower(regexp_extract({{ _indicator_target_text(column) }}, '([A-Za-z]+)$', 1))
            not in ('thousand', 'million', 'billion', 'trillion')
        then lower(regexp_extract({{ _indicator_target_text(column) }}, '([A-Za-z]+)$', 1))
end
{%- endmacro %}
