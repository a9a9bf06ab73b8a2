-- fct_work_item_rollup has every live work item once; its own amounts sum to the staging totals; the roots'
-- rollups count every peso once (Σ rolled-up expenditure of the roots = Σ expenditure of all items; Σ rolled-up
-- allocation of the roots = Σ retained allocation of all items); and fct_ppa_budget's allocated_to_work_items
-- is what lies below the PPAs' roots. Returns the checks that fail.

with

work_items as (

    select * from {{ ref('stg_obcms__work_items') }}

),

rollup as (

    select * from {{ ref('fct_work_item_rollup') }}

),

ppa_budget as (

    select * from {{ ref('fct_ppa_budget') }}

),

staged as (

    select
        count(*) as item_count,
        coalesce(sum(allocated_budget), 0) as allocated,
        coalesce(sum(actual_expenditure), 0) as actual

    from work_items

),

rolled as (

    select
        count(*) as item_count,
        coalesce(sum(allocated_budget), 0) as allocated,
        coalesce(sum(actual_expenditure), 0) as actual,
        coalesce(sum(case when is_root then rolled_up_actual_expenditure end), 0) as root_actual,
        coalesce(sum(case when is_root then rolled_up_allocated_budget end), 0) as root_allocated,
        coalesce(sum(retained_allocation), 0) as retained,
        coalesce(sum(case when is_root and ppa_id is not null
            then rolled_up_allocated_budget - retained_allocation end), 0) as below_ppa_roots

    from rollup

),

budgeted as (

    select coalesce(sum(allocated_to_work_items), 0) as allocated_to_work_items

    from ppa_budget

),

checks as (

    select 'item count' as check_name, staged.item_count = rolled.item_count as passed from staged cross join rolled
    union all
    select 'own allocated' as check_name, staged.allocated = rolled.allocated as passed from staged cross join rolled
    union all
    select 'own actual' as check_name, staged.actual = rolled.actual as passed from staged cross join rolled
    union all
    select 'root actual' as check_name, staged.actual = rolled.root_actual as passed from staged cross join rolled
    union all
    select 'root allocated' as check_name, rolled.retained = rolled.root_allocated as passed from rolled
    union all
    select 'allocated to work items' as check_name,
        rolled.below_ppa_roots = budgeted.allocated_to_work_items as passed
    from rolled cross join budgeted

),

final as (

    select check_name

    from checks

    where not passed

)

select * from final
