with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

ledger_months as (

    select * from {{ ref('int_budget_ledger_monthly') }}

),

budgeted_ppas as (

    select * from ppas

    where fiscal_year is not null
        and category in ('moa_ppa', 'oobc_ppa')

),

months as (

    select 1 as month_number union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8
    union all select 9 union all select 10 union all select 11 union all select 12

),

as_of as (

    select {{ budget_as_of_date() }} as as_of_date

),

ppa_months as (

    select
        budgeted_ppas.ppa_id,
        budgeted_ppas.fiscal_year,
        months.month_number

    from budgeted_ppas

    cross join months

),

amounts as (

    select
        ppa_months.ppa_id,
        ppa_months.fiscal_year,
        ppa_months.month_number,
        coalesce(sum(case when ledger_months.plan_role = 'planned' then ledger_months.amount end), 0) as planned_amount,
        coalesce(sum(case when ledger_months.plan_role = 'actual' then ledger_months.amount end), 0) as actual_amount,
        coalesce(sum(case when ledger_months.plan_role = 'commitment' then ledger_months.amount end), 0) as obligated_amount,
        coalesce(sum(case when ledger_months.plan_role = 'planned' then ledger_months.out_of_year_amount end), 0)
            as planned_out_of_year_amount,
        coalesce(sum(case when ledger_months.plan_role = 'actual' then ledger_months.out_of_year_amount end), 0)
            as actual_out_of_year_amount

    from ppa_months

    left join ledger_months
        on ppa_months.ppa_id = ledger_months.ppa_id
        and ppa_months.fiscal_year = ledger_months.fiscal_year
        and ppa_months.month_number = ledger_months.month_number

    group by ppa_months.ppa_id, ppa_months.fiscal_year, ppa_months.month_number

),

cumulated as (

    select
        amounts.*,
        sum(planned_amount) over (
            partition by ppa_id order by month_number rows between unbounded preceding and current row
        ) as cumulative_planned_amount,
        sum(actual_amount) over (
            partition by ppa_id order by month_number rows between unbounded preceding and current row
        ) as cumulative_actual_amount,
        sum(obligated_amount) over (
            partition by ppa_id order by month_number rows between unbounded preceding and current row
        ) as cumulative_obligated_amount,
        sum(actual_amount) over (partition by ppa_id) as year_actual_amount

    from amounts

),

elapsed as (

    select
        cumulated.*,
        case
            when extract(year from as_of.as_of_date) > cumulated.fiscal_year then 12
            when extract(year from as_of.as_of_date) < cumulated.fiscal_year then 0
            else cast(extract(month from as_of.as_of_date) as integer)
        end as months_elapsed,
        as_of.as_of_date

    from cumulated

    cross join as_of

),

to_date as (

    select
        elapsed.*,
        sum(case when month_number <= months_elapsed then actual_amount else 0 end) over (partition by ppa_id)
            as actual_to_date_amount

    from elapsed

),

final as (

    select
        cast(to_date.ppa_id as varchar) as ppa_id,
        cast(budgeted_ppas.moa_id as varchar) as moa_id,
        cast(budgeted_ppas.moa_acronym as varchar) as moa_acronym,
        cast(budgeted_ppas.sector as varchar) as sector,
        cast(budgeted_ppas.category as varchar) as category,
        cast(to_date.fiscal_year as integer) as fiscal_year,
        cast(to_date.month_number as integer) as month_number,
        cast({{ date_from_parts('to_date.fiscal_year', 'to_date.month_number', '1') }} as date)
            as month_start_date,
        cast('Q' || cast(cast(floor((to_date.month_number + 2) / 3.0) as integer) as varchar) as varchar) as quarter_label,
        cast(floor((to_date.month_number + 2) / 3.0) as integer) as quarter_number,
        cast(to_date.planned_amount as {{ money_total_type() }}) as planned_amount,
        cast(to_date.actual_amount as {{ money_total_type() }}) as actual_amount,
        cast(to_date.obligated_amount as {{ money_total_type() }}) as obligated_amount,
        cast(to_date.planned_amount - to_date.actual_amount as {{ money_total_type() }}) as slippage_amount,
        cast(to_date.cumulative_planned_amount as {{ money_total_type() }}) as cumulative_planned_amount,
        cast(to_date.cumulative_actual_amount as {{ money_total_type() }}) as cumulative_actual_amount,
        cast(to_date.cumulative_obligated_amount as {{ money_total_type() }}) as cumulative_obligated_amount,
        cast(to_date.cumulative_planned_amount - to_date.cumulative_actual_amount as {{ money_total_type() }})
            as cumulative_slippage_amount,
        cast(to_date.planned_out_of_year_amount as {{ money_total_type() }}) as planned_out_of_year_amount,
        cast(to_date.actual_out_of_year_amount as {{ money_total_type() }}) as actual_out_of_year_amount,
        cast(to_date.as_of_date as date) as as_of_date,
        cast(to_date.months_elapsed as integer) as months_elapsed,
        cast(to_date.month_number <= to_date.months_elapsed as boolean) as is_elapsed_month,
        cast(to_date.actual_to_date_amount as {{ money_total_type() }}) as actual_to_date_amount,
        cast(
            case
                when to_date.months_elapsed = 12 then to_date.year_actual_amount
                when to_date.months_elapsed = 0 then null
                else round(to_date.actual_to_date_amount / to_date.months_elapsed * 12, 2)
            end as {{ money_total_type() }}
        ) as year_end_forecast_amount

    from to_date

    inner join budgeted_ppas
        on to_date.ppa_id = budgeted_ppas.ppa_id

)

select * from final
