-- Every ledger amount of a budgeted PPA (category moa_ppa or oobc_ppa, fiscal year known) reaches
-- fct_budget_execution_monthly exactly once: per measure, Σ over the mart = Σ over the staged ledger,
-- to the centavo. Returns the measures that differ.

with

entries as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

ledger as (

    select * from {{ ref('stg_obcms__monitoring_entry_funding') }}

),

control as (

    select
        sum(case when ledger.tranche_type = 'allocation' then ledger.amount else 0 end) as planned_amount,
        sum(case when ledger.tranche_type = 'disbursement' then ledger.amount else 0 end) as actual_amount,
        sum(case when ledger.tranche_type = 'obligation' then ledger.amount else 0 end) as obligated_amount

    from ledger

    inner join entries
        on ledger.ppa_id = entries.ppa_id

    where entries.fiscal_year is not null
        and entries.category in ('moa_ppa', 'oobc_ppa')

),

mart as (

    select
        sum(planned_amount) as planned_amount,
        sum(actual_amount) as actual_amount,
        sum(obligated_amount) as obligated_amount

    from {{ ref('fct_budget_execution_monthly') }}

),

compared as (

    select 'planned' as measure, control.planned_amount as control_amount, mart.planned_amount as mart_amount
    from control cross join mart
    union all
    select 'actual', control.actual_amount, mart.actual_amount
    from control cross join mart
    union all
    select 'obligated', control.obligated_amount, mart.obligated_amount
    from control cross join mart

),

final as (

    select * from compared

    where coalesce(control_amount, 0) <> coalesce(mart_amount, 0)

)

select * from final
