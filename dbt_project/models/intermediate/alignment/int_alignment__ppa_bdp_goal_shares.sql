with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

links as (

    select * from {{ ref('stg_obcms__strategic_goal_linked_ppas') }}

),

goals as (

    select * from {{ ref('stg_obcms__strategic_goals') }}

),

bdp_links as (

    -- A BDP goal is a strategic goal marked aligns_with_rdp. A link repeated in the source counts once.
    select distinct
        cast(links.ppa_id as varchar) as ppa_id,
        cast(goals.strategic_goal_id as varchar) as strategic_goal_id,
        goals.title as goal_title

    from links

    inner join goals
        on links.strategic_goal_id = goals.strategic_goal_id

    where goals.aligns_with_rdp

),

numbered as (

    select
        ppas.ppa_id,
        ppas.budget_allocation,
        bdp_links.strategic_goal_id,
        bdp_links.goal_title,
        row_number() over (partition by ppas.ppa_id order by bdp_links.strategic_goal_id) as goal_position,
        count(*) over (partition by ppas.ppa_id) as goal_count

    from ppas

    inner join bdp_links
        on ppas.ppa_id = bdp_links.ppa_id

),

final as (

    -- Equal split (OBCMS's equal rule, metrics.md §2, macros/distribution.sql): each goal gets the budget /
    -- goal count floored to the centavo; the first goal (by id) also takes the remainder, so the shares add up
    -- to the budget exactly.
    select
        ppa_id,
        strategic_goal_id,
        goal_title,
        cast(goal_position as integer) as goal_position,
        cast(goal_count as integer) as goal_count,
        {{ distribute_equal('coalesce(budget_allocation, 0)', 'ppa_id', 'strategic_goal_id') }} as budget_share

    from numbered

)

select * from final
