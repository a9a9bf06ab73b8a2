{#-
    The warehouse's two money types, defined once. PHP amounts keep two decimals end to end and are
    never floating point: one amount is DECIMAL(14,2) as in OBCMS (monitoring and work-item money);
    a total over many amounts is DECIMAL(18,2).
-#}
{% macro money_type() -%}
    decimal(14, 2)
{%- endmacro %}

{% macro money_total_type() -%}
    decimal(18, 2)
{%- endmacro %}
