with

rollup as (

    select * from {{ ref('fct_work_item_rollup') }}

),

per_ppa as (

    -- Earned value is defined once, in fct_work_item_rollup (metrics.md §2): a root's PV, EV and AC are the
    -- sums over its whole tree, each peso counted once. A PPA's figures are the sums over its roots.
    select
        ppa_id,
        sum(case when allocation_consistency = 'leaf' then 1 else 0 end) as leaf_work_item_count,
        sum(
            case when allocation_consistency = 'leaf' and (start_date is null or due_date is null) then 1 else 0 end
        ) as undated_leaf_count,
        sum(case when is_root then bac end) as budget_at_completion,
        sum(case when is_root then pv end) as planned_value,
        sum(case when is_root then ev end) as earned_value,
        sum(case when is_root then ac end) as actual_cost

    from rollup

    where ppa_id is not null

    group by ppa_id

),

final as (

    select
        cast(ppa_id as varchar) as ppa_id,
        cast(leaf_work_item_count as integer) as leaf_work_item_count,
        cast(undated_leaf_count as integer) as undated_leaf_count,
        cast(coalesce(budget_at_completion, 0) as {{ money_total_type() }}) as budget_at_completion,
        cast(coalesce(planned_value, 0) as {{ money_total_type() }}) as planned_value,
        cast(coalesce(earned_value, 0) as {{ money_total_type() }}) as earned_value,
        cast(coalesce(actual_cost, 0) as {{ money_total_type() }}) as actual_cost

    from per_ppa

)

select * from final
