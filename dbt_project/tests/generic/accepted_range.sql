{#-
    Every non-null value of `column_name` lies in [min_value, max_value] (bounds inclusive; either may
    be omitted).
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

with

out_of_range as (

    select {{ column_name }} as value

    from {{ model }}

    where {{ column_name }} is not null
        and (
            1 = 0
            {%- if min_value is not none %}
            or {{ column_name }} < {{ min_value }}
            {%- endif %}
            {%- if max_value is not none %}
            or {{ column_name }} > {{ max_value }}
            {%- endif %}
        )

),

final as (

    select * from out_of_range

)

select * from final

{% endtest %}
