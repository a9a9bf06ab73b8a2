-- Per tranche type, the funding ledger in staging equals the total of fct_ppa_budget (allotment =
-- allocation tranches), to the centavo: no ledger amount is lost or counted twice. Returns the tranche types
-- that differ.

with

ledger as (

    select
        tranche_type,
        sum(amount) as amount

    from {{ ref('stg_obcms__monitoring_entry_funding') }}

    group by tranche_type

),

fct as (

    select 'allocation' as tranche_type, sum(allotment) as amount from {{ ref('fct_ppa_budget') }}
    union all
    select 'obligation' as tranche_type, sum(obligations) as amount from {{ ref('fct_ppa_budget') }}
    union all
    select 'disbursement' as tranche_type, sum(disbursements) as amount from {{ ref('fct_ppa_budget') }}
    union all
    select 'adjustment' as tranche_type, sum(adjustments) as amount from {{ ref('fct_ppa_budget') }}

),

final as (

    select
        ledger.tranche_type,
        ledger.amount as ledger_amount,
        fct.amount as fct_amount

    from ledger

    left join fct
        on ledger.tranche_type = fct.tranche_type

    where fct.amount is null
        or ledger.amount <> fct.amount

)

select * from final
