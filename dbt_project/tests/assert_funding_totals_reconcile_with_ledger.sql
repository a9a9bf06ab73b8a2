-- Every funding ledger amount reaches int_ppa_funding_totals exactly once: per tranche type, the ledger
-- sum equals the sum of the per-PPA totals. Returns the tranche types that differ.

with

ledger as (

    select
        tranche_type,
        sum(amount) as amount

    from {{ ref('stg_obcms__monitoring_entry_funding') }}

    group by tranche_type

),

totals as (

    select 'allocation' as tranche_type, sum(allocations) as amount from {{ ref('int_ppa_funding_totals') }}
    union all
    select 'obligation' as tranche_type, sum(obligations) as amount from {{ ref('int_ppa_funding_totals') }}
    union all
    select 'disbursement' as tranche_type, sum(disbursements) as amount from {{ ref('int_ppa_funding_totals') }}
    union all
    select 'adjustment' as tranche_type, sum(adjustments) as amount from {{ ref('int_ppa_funding_totals') }}

),

final as (

    select
        ledger.tranche_type,
        ledger.amount as ledger_amount,
        totals.amount as totals_amount

    from ledger

    left join totals
        on ledger.tranche_type = totals.tranche_type

    where totals.amount is null
        or ledger.amount <> totals.amount

)

select * from final
