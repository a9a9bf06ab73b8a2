{#-
    The text key of an area in dim_geography: 'region:<id>', 'province:<id>' or 'municipality:<id>'.
    Portable through dbt's cross-database concat and string type.
-#}
{% macro area_key(level, id_column) -%}
    {{ dbt.concat(["'" ~ level ~ ":'", "cast(" ~ id_column ~ " as " ~ dbt.type_string() ~ ")"]) }}
{%- endmacro %}
