with recursive

{% set status_date_var = var("status_date", none) %}
-- One row per work item, with its place in the tree, its rolled-up money and its earned value.
-- Allocation is nested (a child's allocation is carved out of its parent's), so every peso is counted once,
-- at the deepest item holding it: an item contributes its retained allocation (what it has not passed on to
-- its children, never below zero), and a rollup is the sum of the retained allocations of the item and all
-- its descendants. Expenditure is additive and rolls up as own + descendants.

work_items as (

    select * from {{ ref('stg_obcms__work_items') }}

),

ppas as (

    select * from {{ ref('dim_ppa') }}

),

funding_flows as (

    select * from {{ ref('stg_obcms__monitoring_entry_funding') }}

),

status_dates as (

    {% if status_date_var -%}
    select cast('{{ status_date_var }}' as date) as status_date
    {%- else -%}
    -- the data's as-of date: the latest recorded change of a work item or a funding row
    select
        coalesce(
            cast(greatest(
                coalesce(work_item_dates.latest_at, funding_dates.latest_at),
                coalesce(funding_dates.latest_at, work_item_dates.latest_at)
            ) as date),
            current_date
        ) as status_date

    from (select max(updated_at) as latest_at from work_items) as work_item_dates

    cross join (select max(updated_at) as latest_at from funding_flows) as funding_dates
    {%- endif %}

),

items as (

    select
        cast(work_item_id as varchar) as work_item_id,
        cast(parent_work_item_id as varchar) as parent_work_item_id,
        tree_id,
        level,
        cast(ppa_id as varchar) as related_ppa_id,
        work_type,
        title,
        status,
        progress,
        auto_calculate_progress,
        start_date,
        due_date,
        cast(allocated_budget as {{ money_type() }}) as allocated_budget,
        cast(actual_expenditure as {{ money_type() }}) as actual_expenditure

    from work_items

),

keyed as (

    -- a small integer key per item: the tree walks and the closure join integers, not 36-character ids
    select
        items.*,
        row_number() over () as item_key

    from items

),

linked as (

    select
        keyed.*,
        -- null for a top: no parent, or a parent that is not among the live work items (the item then
        -- starts a hierarchy of its own)
        parents.item_key as parent_key

    from keyed

    left join keyed as parents
        on keyed.parent_work_item_id = parents.work_item_id

),

children as (

    select
        parent_key as item_key,
        count(*) as child_count,
        sum(case when status = 'completed' then 1 else 0 end) as completed_child_count,
        sum(allocated_budget) as children_allocated_sum

    from linked

    where parent_key is not null

    group by parent_key

),

tree as (

    -- each item's root, depth, path (titles from the root down) and ancestors (keys from the root down, itself
    -- last), walked top-down from every top: one row per item reached. Items on a parent_id cycle are reached
    -- from no top and have no row (the depth guard stops a walk at 64 levels), nor have their descendants.
    select
        item_key,
        item_key as root_key,
        0 as depth,
        cast(title as varchar) as path,
        [item_key] as ancestor_keys

    from linked

    where parent_key is null

    union all

    select
        linked.item_key,
        tree.root_key,
        tree.depth + 1 as depth,
        concat_ws(' > ', tree.path, linked.title) as path,
        list_append(tree.ancestor_keys, linked.item_key) as ancestor_keys

    from tree

    inner join linked
        on linked.parent_key = tree.item_key

    where tree.depth < 64

),

closure as (

    -- every (ancestor, descendant) pair among the items reached, each item paired with itself at distance 0:
    -- the walk's ancestor lists unnested (one walk, not a second recursive join; it does not rely on the MPTT
    -- lft/rght columns)
    select
        ancestor_key,
        item_key,
        depth + 1 - position as distance

    from (
        select
            item_key,
            depth,
            unnest(ancestor_keys) as ancestor_key,
            generate_subscripts(ancestor_keys, 1) as position

        from tree
    ) as unnested

),

nodes as (

    select
        items.*,
        cast(coalesce(children.child_count, 0) as integer) as child_count,
        cast(coalesce(children.completed_child_count, 0) as integer) as completed_child_count,
        cast(children.children_allocated_sum as {{ money_total_type() }}) as children_allocated_sum,
        status_dates.status_date,
        case
            when coalesce(children.child_count, 0) = 0 then items.progress
            else cast(floor(100.0 * children.completed_child_count / children.child_count) as integer)
        end as progress_calculated,
        case
            when coalesce(children.child_count, 0) = 0 then coalesce(items.allocated_budget, 0)
            when coalesce(items.allocated_budget, 0) > coalesce(children.children_allocated_sum, 0)
                then coalesce(items.allocated_budget, 0) - coalesce(children.children_allocated_sum, 0)
            else 0
        end as retained_allocation,
        case
            when items.start_date is null or items.due_date is null then null
            when status_dates.status_date >= items.due_date then 1.0
            when status_dates.status_date <= items.start_date then 0.0
            else cast(
                1.0 * {{ dbt.datediff('items.start_date', 'status_dates.status_date', 'day') }}
                / {{ dbt.datediff('items.start_date', 'items.due_date', 'day') }}
                as decimal(9, 6)
            )
        end as planned_fraction

    from linked as items

    cross join status_dates

    left join children
        on items.item_key = children.item_key

),

contributions as (

    -- what each item adds to its own and its ancestors' rollups (rounded to the centavo per item)
    select
        item_key,
        status,
        retained_allocation,
        coalesce(actual_expenditure, 0) as actual_amount,
        cast(round(retained_allocation * planned_fraction, 2) as {{ money_total_type() }}) as planned_value,
        cast(round(retained_allocation * progress_calculated / 100.0, 2) as {{ money_total_type() }}) as earned_value

    from nodes

),

rollups as (

    select
        closure.ancestor_key as item_key,
        sum(contributions.retained_allocation) as rolled_up_allocated_budget,
        sum(contributions.actual_amount) as rolled_up_actual_expenditure,
        sum(contributions.planned_value) as pv,
        sum(contributions.earned_value) as ev,
        sum(case when closure.distance > 0 then 1 else 0 end) as descendant_count,
        sum(case when closure.distance > 0 and contributions.status = 'completed' then 1 else 0 end)
            as completed_descendant_count

    from closure

    inner join contributions
        on closure.item_key = contributions.item_key

    group by closure.ancestor_key

),

measured as (

    select
        nodes.work_item_id,
        nodes.parent_work_item_id,
        roots.work_item_id as root_work_item_id,
        cast(nodes.tree_id as integer) as tree_id,
        cast(tree.depth as integer) as depth,
        cast(nodes.level as integer) as level,
        tree.path,
        root_ppas.ppa_id,
        nodes.work_type,
        nodes.title,
        nodes.status,
        nodes.parent_work_item_id is null as is_root,
        nodes.parent_work_item_id is null and nodes.auto_calculate_progress as is_auto_root,
        nodes.child_count,
        cast(rollups.descendant_count as integer) as descendant_count,
        nodes.completed_child_count,
        cast(rollups.completed_descendant_count as integer) as completed_descendant_count,
        nodes.allocated_budget,
        nodes.actual_expenditure,
        nodes.children_allocated_sum,
        case
            when nodes.child_count = 0 then 'leaf'
            when coalesce(nodes.children_allocated_sum, 0) = 0 then 'none_allocated'
            when abs(nodes.children_allocated_sum - coalesce(nodes.allocated_budget, 0)) <= 0.01 then 'ok'
            when nodes.children_allocated_sum < coalesce(nodes.allocated_budget, 0) then 'under_allocated'
            else 'over_allocated'
        end as allocation_consistency,
        cast(nodes.retained_allocation as {{ money_total_type() }}) as retained_allocation,
        cast(rollups.rolled_up_allocated_budget as {{ money_total_type() }}) as rolled_up_allocated_budget,
        cast(rollups.rolled_up_actual_expenditure as {{ money_total_type() }}) as rolled_up_actual_expenditure,
        cast(nodes.progress as integer) as progress,
        cast(nodes.progress_calculated as integer) as progress_calculated,
        nodes.start_date,
        nodes.due_date,
        nodes.status_date,
        cast(nodes.planned_fraction * 100 as decimal(9, 4)) as planned_pct_complete,
        cast(rollups.pv as {{ money_total_type() }}) as pv,
        cast(rollups.ev as {{ money_total_type() }}) as ev

    from nodes

    inner join tree
        on nodes.item_key = tree.item_key

    inner join rollups
        on nodes.item_key = rollups.item_key

    left join keyed as roots
        on tree.root_key = roots.item_key

    left join ppas as root_ppas
        on roots.related_ppa_id = root_ppas.ppa_id

),

final as (

    select
        work_item_id,
        parent_work_item_id,
        root_work_item_id,
        tree_id,
        depth,
        level,
        path,
        ppa_id,
        work_type,
        title,
        status,
        is_root,
        is_auto_root,
        child_count,
        descendant_count,
        completed_child_count,
        completed_descendant_count,
        allocated_budget,
        actual_expenditure,
        children_allocated_sum,
        allocation_consistency,
        retained_allocation,
        rolled_up_allocated_budget,
        rolled_up_actual_expenditure,
        cast(rolled_up_allocated_budget - rolled_up_actual_expenditure as {{ money_total_type() }}) as variance,
        cast(
            case
                when rolled_up_allocated_budget = 0 then 0
                else round(100.0 * (rolled_up_allocated_budget - rolled_up_actual_expenditure)
                    / rolled_up_allocated_budget, 2)
            end as decimal(18, 2)
        ) as variance_pct,
        case
            when rolled_up_actual_expenditure > rolled_up_allocated_budget then 'over_budget'
            when rolled_up_actual_expenditure = 0 then 'no_expenditure'
            when rolled_up_allocated_budget = 0 then 'on_budget'
            when abs(100.0 * (rolled_up_allocated_budget - rolled_up_actual_expenditure)
                / rolled_up_allocated_budget) <= 5 then 'on_budget'
            else 'under_budget'
        end as variance_status,
        progress,
        progress_calculated,
        start_date,
        due_date,
        status_date,
        planned_pct_complete,
        rolled_up_allocated_budget as bac,
        pv,
        ev,
        rolled_up_actual_expenditure as ac,
        cast(ev - pv as {{ money_total_type() }}) as sv,
        cast(ev - rolled_up_actual_expenditure as {{ money_total_type() }}) as cv,
        cast(case when pv <> 0 then round(1.0 * ev / pv, 4) end as decimal(18, 4)) as spi,
        cast(case when rolled_up_actual_expenditure <> 0 then round(1.0 * ev / rolled_up_actual_expenditure, 4) end
            as decimal(18, 4)) as cpi,
        cast(case when ev <> 0 then round(cast(rolled_up_allocated_budget as decimal(38, 4)) * rolled_up_actual_expenditure / ev, 2) end
            as {{ money_total_type() }}) as eac,
        cast(case when ev <> 0 then round(cast(rolled_up_allocated_budget as decimal(38, 4)) * rolled_up_actual_expenditure / ev, 2) end
            - rolled_up_actual_expenditure as {{ money_total_type() }}) as etc,
        cast(rolled_up_allocated_budget - case when ev <> 0
            then round(cast(rolled_up_allocated_budget as decimal(38, 4)) * rolled_up_actual_expenditure / ev, 2) end
            as {{ money_total_type() }}) as vac

    from measured

)

select * from final
