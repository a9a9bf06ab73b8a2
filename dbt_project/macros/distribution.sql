{#-
    OBCMS's budget distribution rules (obcms_schema.md §1.6.4, metrics.md §2), exact to the centavo. Each
    macro returns ONE SQL expression, built of window functions over `partition_by` (the thing whose budget
    is split, e.g. a PPA), for the share of the current row (an item: a need, a goal); the shares of a
    partition add up to its amount exactly. All arithmetic is on integer centavos (hugeint on DuckDB), never
    floating point; the result is money_type(), DECIMAL(14,2).

      distribute_equal(amount, partition_by, order_by)
          B = amount, n = items in the partition: every item gets floor₂(B / n); the FIRST item in
          `order_by` order also gets the remainder B − n × floor₂(B / n).

      distribute_weighted(amount, weight_numerator, weight_denominator, partition_by, order_by)
          w_i = weight_numerator / weight_denominator (the weights of a partition must sum to 1, e.g. cost_i
          and Σ cost over the partition): every item gets floor₂(B × w_i), computed as
          (B_centavos × weight_numerator) // weight_denominator in integers; the LAST item in `order_by`
          order gets B − the running total of the others. OBCMS sorts the items by str(id): pass a text
          expression as `order_by` to sort as it does ('10' < '11' < '9').

    `amount` must not be null (coalesce it first) and have at most two decimals. The weights must be plain
    row expressions (no window function inside: compute Σ in an earlier CTE), exact decimals with at most two
    decimals (they are scaled to centavos like the amount), the denominator > 0. `order_by` must order the
    items of a partition uniquely.
-#}

{% macro distribute_equal(amount, partition_by, order_by) -%}
    {%- set b = _centavos(amount) -%}
    {%- set n = "count(*) over (partition by " ~ partition_by ~ ")" -%}
    {%- set base = floor_divide(b, n) -%}
    {{ _from_centavos(
        "case when row_number() over (partition by " ~ partition_by ~ " order by " ~ order_by ~ ") = 1"
        ~ " then " ~ b ~ " - " ~ base ~ " * (" ~ n ~ " - 1)"
        ~ " else " ~ base ~ " end"
    ) }}
{%- endmacro %}

{% macro distribute_weighted(amount, weight_numerator, weight_denominator, partition_by, order_by) -%}
    {%- set b = _centavos(amount) -%}
    {%- set floored = floor_divide(b ~ " * " ~ _centavos(weight_numerator), _centavos(weight_denominator)) -%}
    {%- set window = "over (partition by " ~ partition_by ~ " order by " ~ order_by -%}
    {{ _from_centavos(
        "case when row_number() " ~ window ~ ") = count(*) over (partition by " ~ partition_by ~ ")"
        ~ " then " ~ b ~ " - coalesce(sum(" ~ floored ~ ") " ~ window
        ~ " rows between unbounded preceding and 1 preceding), 0)"
        ~ " else " ~ floored ~ " end"
    ) }}
{%- endmacro %}


{#- An amount with at most two decimals as a whole number of centavos, exactly. -#}
{% macro _centavos(expr) -%}
    cast(({{ expr }}) * 100 as {{ centavo_type() }})
{%- endmacro %}

{#- Whole centavos back to money: a decimal multiplication, exact (a division could turn into a double). -#}
{% macro _from_centavos(expr) -%}
    cast(cast({{ expr }} as decimal(38, 0)) * 0.01 as {{ money_type() }})
{%- endmacro %}


{#- An integer type wide enough for centavos × centavos (up to 10^32). -#}
{% macro centavo_type() -%}
    {{ return(adapter.dispatch('centavo_type')()) }}
{%- endmacro %}

{% macro default__centavo_type() -%}
    numeric(38, 0)
{%- endmacro %}

{% macro duckdb__centavo_type() -%}
    hugeint
{%- endmacro %}


{#-
    floor(numerator / denominator) of two whole numbers, exactly (no floating point), for denominator > 0:
    DuckDB's // on integers floors; PostgreSQL's div() truncates toward zero, so it is corrected for negative
    numerators.
-#}
{% macro floor_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('floor_divide')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__floor_divide(numerator, denominator) -%}
    div(({{ numerator }}) - mod(mod({{ numerator }}, {{ denominator }}) + ({{ denominator }}), {{ denominator }}), {{ denominator }})
{%- endmacro %}

{% macro duckdb__floor_divide(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}
