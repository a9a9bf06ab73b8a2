{#-
    Use custom schemas as they are: staging models land in `staging`, intermediate in `intermediate`,
    marts in `marts` (dbt's default would prefix the target schema, e.g. `main_marts`). Models without
    a custom schema fall back to the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}

    {%- if custom_schema_name is none -%}

        {{ target.schema }}

    {%- else -%}

        {{ custom_schema_name | trim }}

    {%- endif -%}

{%- endmacro %}
