with recursive

-- The work-item closure table: every (ancestor, descendant) pair of the parent_id hierarchy, each item
-- paired with itself at distance 0. Built top-down by one recursive CTE (set-based, no per-node queries),
-- so it does not rely on the MPTT lft/rght columns being consistent. An item whose parent is not among
-- the live work items starts a hierarchy of its own (is_top). The depth guard stops a parent_id cycle.

work_items as (

    select * from {{ ref('stg_obcms__work_items') }}

),

items as (

    select
        cast(work_items.work_item_id as varchar) as work_item_id,
        cast(work_items.parent_work_item_id as varchar) as parent_work_item_id

    from work_items

),

tops as (

    select items.work_item_id

    from items

    left join items as parents
        on items.parent_work_item_id = parents.work_item_id

    where parents.work_item_id is null

),

walk as (

    select
        work_item_id as ancestor_work_item_id,
        work_item_id,
        0 as distance

    from items

    union all

    select
        walk.ancestor_work_item_id,
        items.work_item_id,
        walk.distance + 1 as distance

    from walk

    inner join items
        on items.parent_work_item_id = walk.work_item_id

    where walk.distance < 64

),

final as (

    select
        walk.ancestor_work_item_id,
        walk.work_item_id,
        cast(walk.distance as integer) as distance,
        tops.work_item_id is not null as ancestor_is_top

    from walk

    left join tops
        on walk.ancestor_work_item_id = tops.work_item_id

)

select * from final
