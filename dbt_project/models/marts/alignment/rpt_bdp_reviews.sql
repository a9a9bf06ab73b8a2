with

reviews as (

    select * from {{ ref('stg_meta__bdp_reviews') }}

),

ppas as (

    select * from {{ ref('dim_ppa') }}

),

goals as (

    select * from {{ ref('stg_obcms__strategic_goals') }}

),

joined as (

    -- A review is kept when its PPA or its goal is gone from OBCMS since (their columns are null then).
    select
        reviews.review_id,
        reviews.ppa_id,
        ppas.title as ppa_title,
        ppas.moa_id,
        ppas.moa_acronym,
        ppas.moa_name,
        ppas.sector,
        ppas.fiscal_year,
        ppas.budget_allocation,
        ppas.ppa_id is not null as ppa_found,
        reviews.strategic_goal_id,
        goals.title as goal_title,
        goals.aligns_with_rdp as goal_aligns_with_bdp,
        reviews.note,
        reviews.reviewer,
        reviews.created_at

    from reviews

    left join ppas
        on reviews.ppa_id = ppas.ppa_id

    left join goals
        on reviews.strategic_goal_id = cast(goals.strategic_goal_id as varchar)

),

final as (

    select
        cast(review_id as bigint) as review_id,
        cast(ppa_id as varchar) as ppa_id,
        cast(ppa_title as varchar) as ppa_title,
        cast(moa_id as varchar) as moa_id,
        cast(moa_acronym as varchar) as moa_acronym,
        cast(moa_name as varchar) as moa_name,
        cast(sector as varchar) as sector,
        cast(fiscal_year as integer) as fiscal_year,
        cast(budget_allocation as {{ money_type() }}) as budget_allocation,
        cast(ppa_found as boolean) as ppa_found,
        cast(strategic_goal_id as varchar) as strategic_goal_id,
        cast(goal_title as varchar) as goal_title,
        cast(goal_aligns_with_bdp as boolean) as goal_aligns_with_bdp,
        cast(strategic_goal_id is not null as boolean) as is_tag,
        cast(note as varchar) as note,
        cast(reviewer as varchar) as reviewer,
        cast(created_at as timestamp) as created_at

    from joined

)

select * from final
