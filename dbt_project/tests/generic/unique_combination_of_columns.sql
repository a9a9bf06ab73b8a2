{#-
    The grain test for models keyed by several columns: no combination of `combination_of_columns`
    appears more than once. Nulls compare equal here (as in GROUP BY), so a null key part that repeats
    is reported too.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as row_count

    from {{ model }}

    group by {{ combination_of_columns | join(', ') }}

),

final as (

    select * from grouped

    where row_count > 1

)

select * from final

{% endtest %}
