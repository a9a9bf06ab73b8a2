{#-
    The current time in UTC as a plain TIMESTAMP, comparable with the load timestamps ingest writes
    (_loaded_at, meta.*), which are UTC without a zone. now() alone would be in the session's time zone.
-#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast(timezone('UTC', now()) as timestamp)
{%- endmacro %}
