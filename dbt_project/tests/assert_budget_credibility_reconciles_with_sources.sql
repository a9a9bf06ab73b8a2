-- fct_budget_credibility at its coarsest grain (all years): Σ original budget = Σ dim_ppa.budget_allocation
-- of the budgeted PPAs (category moa_ppa or oobc_ppa, fiscal year known), Σ actual and Σ obligated =
-- the staged ledger's disbursements and obligations of those PPAs, to the centavo. Returns the
-- measures that differ.

with

ppas as (

    select * from {{ ref('dim_ppa') }}

    where fiscal_year is not null
        and category in ('moa_ppa', 'oobc_ppa')

),

ledger as (

    select * from {{ ref('stg_obcms__monitoring_entry_funding') }}

),

budget_control as (

    select sum(coalesce(budget_allocation, 0)) as amount from ppas

),

ledger_control as (

    select
        sum(case when ledger.tranche_type = 'disbursement' then ledger.amount else 0 end) as actual_amount,
        sum(case when ledger.tranche_type = 'obligation' then ledger.amount else 0 end) as obligated_amount

    from ledger

    inner join ppas
        on cast(ledger.ppa_id as varchar) = ppas.ppa_id

),

mart as (

    select
        sum(original_budget_amount) as original_budget_amount,
        sum(actual_amount) as actual_amount,
        sum(obligated_amount) as obligated_amount

    from {{ ref('fct_budget_credibility') }}

),

compared as (

    select 'original_budget' as measure, budget_control.amount as control_amount, mart.original_budget_amount as mart_amount
    from budget_control cross join mart
    union all
    select 'actual', ledger_control.actual_amount, mart.actual_amount
    from ledger_control cross join mart
    union all
    select 'obligated', ledger_control.obligated_amount, mart.obligated_amount
    from ledger_control cross join mart

),

final as (

    select * from compared

    where coalesce(control_amount, 0) <> coalesce(mart_amount, 0)

)

select * from final
