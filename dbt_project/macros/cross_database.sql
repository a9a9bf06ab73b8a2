{#-
    Cross-database versions of the DuckDB functions the models use where dbt-core ships no macro. Each
    dispatches to a `duckdb__` implementation (what the models always ran) and a `default__` in
    PostgreSQL-compatible SQL. Where dbt-core does ship one (dbt.listagg, dbt.datediff, dbt.safe_cast,
    dbt.type_string, dbt.hash, ...) the models call it directly.
-#}

{#- A date from year, month and day expressions (dbt.date takes literal numbers only). -#}
{% macro date_from_parts(year, month, day) -%}
    {{ return(adapter.dispatch('date_from_parts')(year, month, day)) }}
{%- endmacro %}

{% macro default__date_from_parts(year, month, day) -%}
    make_date(cast({{ year }} as integer), cast({{ month }} as integer), cast({{ day }} as integer))
{%- endmacro %}

{% macro duckdb__date_from_parts(year, month, day) -%}
    make_date({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}


{#-
    Regular expressions, as the models write them (RE2 syntax on DuckDB; the patterns used stay within what
    PostgreSQL's ARE also reads: classes, {m,n}, (?:...), \s):
      regex_full_match(value, pattern)     the whole value matches
      regex_contains(value, pattern)       some part of the value matches (anchor with ^ / $ as needed)
      regex_extract(value, pattern, group) the group-th capture group of the first match, '' when none
                                           (DuckDB's regexp_extract; PostgreSQL 15+ regexp_substr)
-#}
{% macro regex_full_match(value, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match')(value, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(value, pattern) -%}
    ({{ value }} ~ ('^(?:' || {{ pattern }} || ')$'))
{%- endmacro %}

{% macro duckdb__regex_full_match(value, pattern) -%}
    regexp_full_match({{ value }}, {{ pattern }})
{%- endmacro %}


{% macro regex_contains(value, pattern) -%}
    {{ return(adapter.dispatch('regex_contains')(value, pattern)) }}
{%- endmacro %}

{% macro default__regex_contains(value, pattern) -%}
    ({{ value }} ~ {{ pattern }})
{%- endmacro %}

{% macro duckdb__regex_contains(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}


{% macro regex_extract(value, pattern, group) -%}
    {{ return(adapter.dispatch('regex_extract')(value, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(value, pattern, group) -%}
    case when {{ value }} is not null then coalesce(regexp_substr({{ value }}, {{ pattern }}, 1, 1, '', {{ group }}), '') end
{%- endmacro %}

{% macro duckdb__regex_extract(value, pattern, group) -%}
    regexp_extract({{ value }}, {{ pattern }}, {{ group }})
{%- endmacro %}


{#-
    dbt.safe_cast (a cast that gives null instead of failing) for the adapters whose dbt package leaves it a
    plain cast: dbt-duckdb has no implementation of its own, and DuckDB has try_cast; PostgreSQL 16+ can test
    the input first. dbt.safe_cast dispatches to these (the root project's macros come first).
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro postgres__safe_cast(field, type) -%}
    case
        when pg_input_is_valid(cast({{ field }} as text), '{{ type }}') then cast({{ field }} as {{ type }})
    end
{%- endmacro %}
