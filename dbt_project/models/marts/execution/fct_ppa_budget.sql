with

-- One row per PPA of dim_ppa: its budget execution chain (approved budget → allotment → obligation →
-- disbursement) from the funding ledger, its allocation to work items (the auto-created root counted once:
-- only what lies below the root counts as allocated), progress and status from its work items, and its cost
-- per beneficiary.

ppas as (

    select * from {{ ref('dim_ppa') }}

),

monitoring_entries as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

funding_totals as (

    select * from {{ ref('int_ppa_funding_totals') }}

),

work_item_rollup as (

    select * from {{ ref('fct_work_item_rollup') }}

),

beneficiaries as (

    select
        cast(ppa_id as varchar) as ppa_id,
        beneficiary_individuals_total

    from monitoring_entries

),

funding as (

    select
        cast(ppa_id as varchar) as ppa_id,
        allocations,
        obligations,
        disbursements,
        adjustments

    from funding_totals

),

roots as (

    select
        ppa_id,
        count(*) as work_item_root_count,
        sum(rolled_up_allocated_budget - retained_allocation) as allocated_to_work_items,
        sum(rolled_up_actual_expenditure) as work_item_actual_expenditure,
        sum(descendant_count) as descendant_count,
        sum(completed_descendant_count) as completed_descendant_count,
        -- a PPA with several roots takes its status from the root of the lowest tree_id
        min(tree_id) as first_tree_id

    from work_item_rollup

    where is_root
        and ppa_id is not null

    group by ppa_id

),

root_status as (

    select
        work_item_rollup.ppa_id,
        min(work_item_rollup.status) as root_status

    from work_item_rollup

    inner join roots
        on work_item_rollup.ppa_id = roots.ppa_id
        and work_item_rollup.tree_id = roots.first_tree_id

    where work_item_rollup.is_root

    group by work_item_rollup.ppa_id

),

joined as (

    select
        ppas.ppa_id,
        ppas.title,
        ppas.category,
        ppas.ppa_source,
        ppas.fiscal_year,
        ppas.moa_id,
        ppas.moa_acronym,
        ppas.sector,
        ppas.geography_id,
        cast(coalesce(ppas.budget_allocation, 0) as {{ money_total_type() }}) as budget_allocation,
        cast(coalesce(funding.allocations, 0) as {{ money_total_type() }}) as allotment,
        cast(coalesce(funding.obligations, 0) as {{ money_total_type() }}) as obligations,
        cast(coalesce(funding.disbursements, 0) as {{ money_total_type() }}) as disbursements,
        cast(coalesce(funding.adjustments, 0) as {{ money_total_type() }}) as adjustments,
        coalesce(roots.work_item_root_count, 0) as work_item_root_count,
        cast(coalesce(roots.allocated_to_work_items, 0) as {{ money_total_type() }}) as allocated_to_work_items,
        cast(coalesce(roots.work_item_actual_expenditure, 0) as {{ money_total_type() }})
            as work_item_actual_expenditure,
        roots.descendant_count,
        roots.completed_descendant_count,
        ppas.progress as progress_own,
        root_status.root_status,
        beneficiaries.beneficiary_individuals_total,
        ppas.total_slots

    from ppas

    left join funding
        on ppas.ppa_id = funding.ppa_id

    left join roots
        on ppas.ppa_id = roots.ppa_id

    left join root_status
        on ppas.ppa_id = root_status.ppa_id

    left join beneficiaries
        on ppas.ppa_id = beneficiaries.ppa_id

),

counted as (

    select
        *,
        case
            when beneficiary_individuals_total > 0 then beneficiary_individuals_total
            when total_slots > 0 then total_slots
        end as beneficiaries,
        case
            when beneficiary_individuals_total > 0 then 'beneficiary_individuals_total'
            when total_slots > 0 then 'total_slots'
        end as beneficiaries_source

    from joined

),

final as (

    select
        ppa_id,
        title,
        category,
        ppa_source,
        fiscal_year,
        moa_id,
        moa_acronym,
        sector,
        geography_id,
        budget_allocation,
        allotment,
        obligations,
        disbursements,
        adjustments,
        cast(case when budget_allocation <> 0 then round(100.0 * allotment / budget_allocation, 4) end
            as decimal(18, 4)) as allotment_release_rate,
        cast(case when allotment <> 0 then round(100.0 * obligations / allotment, 4) end
            as decimal(18, 4)) as obligation_rate_vs_allotment,
        cast(case when budget_allocation <> 0 then round(100.0 * obligations / budget_allocation, 4) end
            as decimal(18, 4)) as obligation_rate_vs_budget,
        cast(case when obligations <> 0 then round(100.0 * disbursements / obligations, 4) end
            as decimal(18, 4)) as disbursement_rate_vs_obligations,
        cast(case when budget_allocation <> 0 then round(100.0 * disbursements / budget_allocation, 4) end
            as decimal(18, 4)) as disbursement_rate_vs_budget,
        cast(allotment - obligations as {{ money_total_type() }}) as unobligated_allotment,
        cast(obligations - disbursements as {{ money_total_type() }}) as unpaid_obligations,
        obligations > allotment as is_over_obligated,
        disbursements > obligations as is_over_disbursed,
        cast(work_item_root_count as integer) as work_item_root_count,
        allocated_to_work_items,
        cast(budget_allocation - allocated_to_work_items as {{ money_total_type() }}) as unallocated,
        cast(case when budget_allocation <> 0 then round(100.0 * allocated_to_work_items / budget_allocation, 4) end
            as decimal(18, 4)) as allocation_pct,
        work_item_actual_expenditure,
        progress_own,
        cast(case when descendant_count > 0 then floor(100.0 * completed_descendant_count / descendant_count) end
            as integer) as progress_from_work_items,
        case root_status
            when 'not_started' then 'planning'
            when 'in_progress' then 'ongoing'
            when 'at_risk' then 'ongoing'
            when 'blocked' then 'on_hold'
            when 'completed' then 'completed'
            when 'cancelled' then 'cancelled'
        end as status_from_work_items,
        cast(beneficiaries as integer) as beneficiaries,
        beneficiaries_source,
        cast(case when beneficiaries > 0 then round(budget_allocation / beneficiaries, 2) end
            as {{ money_total_type() }}) as cost_per_beneficiary

    from counted

)

select * from final
