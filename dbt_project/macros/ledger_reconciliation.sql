{#-
    The tranche types whose funding-ledger total (stg_obcms__monitoring_entry_funding) differs, to the centavo,
    from the total of a per-PPA model: `columns` maps each tranche type to the model's column holding it, e.g.
    {'allocation': 'allotment', 'obligation': 'obligations', ...}. A tranche type of the ledger the model does
    not carry, or carries with another total, is returned; an empty result means nothing was lost or counted twice.
-#}
{% macro ledger_tranche_mismatches(model, columns) %}

with

ledger as (

    select
        tranche_type,
        sum(amount) as amount

    from {{ ref('stg_obcms__monitoring_entry_funding') }}

    group by tranche_type

),

model_totals as (

    {% for tranche_type, column in columns.items() %}
    select '{{ tranche_type }}' as tranche_type, sum({{ column }}) as amount from {{ model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        ledger.tranche_type,
        ledger.amount as ledger_amount,
        model_totals.amount as model_amount

    from ledger

    left join model_totals
        on ledger.tranche_type = model_totals.tranche_type

    where model_totals.amount is null
        or ledger.amount <> model_totals.amount

)

select * from final

{% endmacro %}
