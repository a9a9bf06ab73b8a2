with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

entries as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

indicators as (

    select * from {{ ref('fct_ppa_indicators') }}

),

earned_value as (

    select * from {{ ref('int_scorecards__ppa_earned_value') }}

),

indicator_counts as (

    select
        ppa_id,
        count(*) as indicator_count,
        count(*) filter (where level = 'outcome') as outcome_indicator_count,
        count(*) filter (where level = 'output') as output_indicator_count,
        count(*) filter (where target_value is not null) as parsed_target_count

    from indicators

    group by ppa_id

),

beneficiaries as (

    select
        cast(ppa_id as varchar) as ppa_id,
        beneficiary_individuals_total

    from entries

),

joined as (

    select
        ppas.ppa_id,
        ppas.title,
        ppas.fiscal_year,
        ppas.moa_id,
        ppas.moa_acronym,
        ppas.sector,
        ppas.budget_allocation,
        coalesce(indicator_counts.indicator_count, 0) as indicator_count,
        coalesce(indicator_counts.outcome_indicator_count, 0) as outcome_indicator_count,
        coalesce(indicator_counts.output_indicator_count, 0) as output_indicator_count,
        coalesce(indicator_counts.parsed_target_count, 0) as parsed_target_count,
        case
            when coalesce(beneficiaries.beneficiary_individuals_total, 0) > 0
                then beneficiaries.beneficiary_individuals_total
            when coalesce(ppas.total_slots, 0) > 0 then ppas.total_slots
        end as beneficiary_count,
        case
            when coalesce(beneficiaries.beneficiary_individuals_total, 0) > 0 then 'beneficiary_individuals_total'
            when coalesce(ppas.total_slots, 0) > 0 then 'total_slots'
        end as beneficiary_count_source,
        earned_value.ppa_id is not null as has_work_items,
        earned_value.budget_at_completion,
        earned_value.planned_value,
        earned_value.earned_value,
        earned_value.actual_cost

    from ppas

    left join indicator_counts
        on ppas.ppa_id = indicator_counts.ppa_id

    left join beneficiaries
        on ppas.ppa_id = beneficiaries.ppa_id

    left join earned_value
        on ppas.ppa_id = earned_value.ppa_id

),

computed as (

    select
        *,
        case
            when indicator_count > 0 then cast(1.0 * parsed_target_count / indicator_count as decimal(9, 4))
        end as parsed_target_share,
        case
            when beneficiary_count > 0 and budget_allocation is not null
                then cast(budget_allocation / beneficiary_count as {{ money_type() }})
        end as cost_per_beneficiary,
        case
            when planned_value > 0 then cast(earned_value / planned_value as decimal(12, 4))
        end as schedule_performance_index,
        case
            when actual_cost > 0 then cast(earned_value / actual_cost as decimal(12, 4))
        end as cost_performance_index

    from joined

),

ranked as (

    select
        *,
        case
            when cost_per_beneficiary is not null and sector is not null and fiscal_year is not null
                then rank() over (
                    partition by
                        sector,
                        fiscal_year,
                        cost_per_beneficiary is not null and sector is not null and fiscal_year is not null
                    order by cost_per_beneficiary
                )
        end as cost_effectiveness_rank,
        case
            when cost_per_beneficiary is not null and sector is not null and fiscal_year is not null
                then count(*) over (partition by sector, fiscal_year, cost_per_beneficiary) > 1
        end as cost_effectiveness_rank_tied

    from computed

),

final as (

    select
        cast(ppa_id as varchar) as ppa_id,
        cast(title as varchar) as title,
        cast(fiscal_year as integer) as fiscal_year,
        cast(moa_id as varchar) as moa_id,
        cast(moa_acronym as varchar) as moa_acronym,
        cast(sector as varchar) as sector,
        cast(budget_allocation as {{ money_type() }}) as budget_allocation,
        cast(indicator_count as integer) as indicator_count,
        cast(outcome_indicator_count as integer) as outcome_indicator_count,
        cast(output_indicator_count as integer) as output_indicator_count,
        cast(parsed_target_count as integer) as parsed_target_count,
        cast(parsed_target_share as decimal(9, 4)) as parsed_target_share,
        cast(null as decimal(9, 4)) as indicator_attainment_rate,
        cast(null as decimal(9, 4)) as outcome_achievement_rate,
        cast('no_actuals_in_any_source' as varchar) as attainment_null_reason,
        cast(beneficiary_count as integer) as beneficiary_count,
        cast(beneficiary_count_source as varchar) as beneficiary_count_source,
        cast(cost_per_beneficiary as {{ money_type() }}) as cost_per_beneficiary,
        cast(cost_effectiveness_rank as integer) as cost_effectiveness_rank,
        cast(cost_effectiveness_rank_tied as boolean) as cost_effectiveness_rank_tied,
        cast(has_work_items as boolean) as has_work_items,
        cast(budget_at_completion as {{ money_total_type() }}) as budget_at_completion,
        cast(planned_value as {{ money_total_type() }}) as planned_value,
        cast(earned_value as {{ money_total_type() }}) as earned_value,
        cast(actual_cost as {{ money_total_type() }}) as actual_cost,
        cast(schedule_performance_index as decimal(12, 4)) as schedule_performance_index,
        cast(cost_performance_index as decimal(12, 4)) as cost_performance_index

    from ranked

)

select * from final
