{#-
    The date the budget marts measure "to date" against: the dbt var `as_of_date` ('YYYY-MM-DD'),
    or the current date when the var is not set.
-#}
{% macro budget_as_of_date() -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as date)
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}
