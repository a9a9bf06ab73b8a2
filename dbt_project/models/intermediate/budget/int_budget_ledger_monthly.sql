with

-- One row per PPA × month of its fiscal year × plan role: the funding ledger of the budgeted PPAs
-- (dim_ppa, category moa_ppa or oobc_ppa, fiscal year known) bucketed by month. Ledger rows dated
-- before the fiscal year count in January, rows dated after it or undated count in December; the
-- out_of_year_amount column keeps how much of a bucket came from outside the year.
ppas as (

    select * from {{ ref('dim_ppa') }}

),

funding_flows as (

    select * from {{ ref('stg_obcms__monitoring_entry_funding') }}

),

phases as (

    select * from {{ ref('int_budget_phases') }}

),

budgeted_ppas as (

    select
        ppa_id,
        fiscal_year

    from ppas

    where fiscal_year is not null
        and category in ('moa_ppa', 'oobc_ppa')

),

flows_in_year as (

    select
        budgeted_ppas.ppa_id,
        budgeted_ppas.fiscal_year,
        phases.plan_role,
        funding_flows.amount,
        case
            when funding_flows.scheduled_date is null then 12
            when extract(year from funding_flows.scheduled_date) < budgeted_ppas.fiscal_year then 1
            when extract(year from funding_flows.scheduled_date) > budgeted_ppas.fiscal_year then 12
            else cast(extract(month from funding_flows.scheduled_date) as integer)
        end as month_number,
        funding_flows.scheduled_date is null
            or extract(year from funding_flows.scheduled_date) <> budgeted_ppas.fiscal_year as is_out_of_year

    from funding_flows

    inner join budgeted_ppas
        on cast(funding_flows.ppa_id as varchar) = budgeted_ppas.ppa_id

    inner join phases
        on funding_flows.tranche_type = phases.tranche_type

),

final as (

    select
        ppa_id,
        fiscal_year,
        cast(month_number as integer) as month_number,
        plan_role,
        cast(sum(amount) as {{ money_total_type() }}) as amount,
        cast(sum(case when is_out_of_year then amount else 0 end) as {{ money_total_type() }}) as out_of_year_amount,
        cast(count(*) as integer) as ledger_row_count

    from flows_in_year

    group by ppa_id, fiscal_year, month_number, plan_role

)

select * from final
