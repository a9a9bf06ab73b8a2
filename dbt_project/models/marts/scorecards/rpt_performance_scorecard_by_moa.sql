with

scorecard as (

    select * from {{ ref('fct_performance_scorecard') }}

),

by_moa_year as (

    select
        moa_id,
        fiscal_year,
        count(*) as ppa_count,
        cast(coalesce(sum(budget_allocation), 0) as {{ money_total_type() }}) as budget_allocation,
        coalesce(sum(beneficiary_count), 0) as beneficiary_count,
        cast(coalesce(sum(budget_allocation) filter (where beneficiary_count > 0), 0) as {{ money_total_type() }})
            as budget_with_beneficiaries,
        cast(coalesce(sum(planned_value), 0) as {{ money_total_type() }}) as planned_value,
        cast(coalesce(sum(earned_value), 0) as {{ money_total_type() }}) as earned_value,
        cast(coalesce(sum(actual_cost), 0) as {{ money_total_type() }}) as actual_cost

    from scorecard

    where fiscal_year is not null
        and moa_id is not null

    group by moa_id, fiscal_year

),

indexed as (

    select
        *,
        case
            when beneficiary_count > 0 then cast(budget_with_beneficiaries / beneficiary_count as {{ money_type() }})
        end as cost_per_beneficiary,
        case when planned_value > 0 then cast(earned_value / planned_value as decimal(12, 4)) end
            as schedule_performance_index,
        case when actual_cost > 0 then cast(earned_value / actual_cost as decimal(12, 4)) end
            as cost_performance_index

    from by_moa_year

),

with_previous as (

    select
        indexed.*,
        previous.budget_allocation as budget_allocation_prev_year,
        previous.cost_per_beneficiary as cost_per_beneficiary_prev_year

    from indexed

    left join indexed as previous
        on indexed.moa_id = previous.moa_id
        and indexed.fiscal_year = previous.fiscal_year + 1

),

final as (

    select
        cast(moa_id as varchar) as moa_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(ppa_count as integer) as ppa_count,
        cast(budget_allocation as {{ money_total_type() }}) as budget_allocation,
        cast(beneficiary_count as bigint) as beneficiary_count,
        cast(cost_per_beneficiary as {{ money_type() }}) as cost_per_beneficiary,
        cast(planned_value as {{ money_total_type() }}) as planned_value,
        cast(earned_value as {{ money_total_type() }}) as earned_value,
        cast(actual_cost as {{ money_total_type() }}) as actual_cost,
        cast(schedule_performance_index as decimal(12, 4)) as schedule_performance_index,
        cast(cost_performance_index as decimal(12, 4)) as cost_performance_index,
        cast(budget_allocation_prev_year as {{ money_total_type() }}) as budget_allocation_prev_year,
        cast(budget_allocation - budget_allocation_prev_year as {{ money_total_type() }}) as budget_allocation_yoy_change,
        case
            when budget_allocation_prev_year > 0
                then cast(
                    (budget_allocation - budget_allocation_prev_year) * 100.0 / budget_allocation_prev_year
                    as decimal(12, 2)
                )
        end as budget_allocation_yoy_pct,
        cast(cost_per_beneficiary_prev_year as {{ money_type() }}) as cost_per_beneficiary_prev_year,
        cast(cost_per_beneficiary - cost_per_beneficiary_prev_year as {{ money_type() }})
            as cost_per_beneficiary_yoy_change

    from with_previous

)

select * from final
