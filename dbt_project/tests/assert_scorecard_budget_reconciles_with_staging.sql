-- fct_performance_scorecard holds every PPA once: its count and Σ budget_allocation equal dim_ppa's, and its
-- OBCMS PPAs' Σ budget_allocation equals that of stg_obcms__monitoring_entries, to the centavo. Returns a row
-- when they differ.

with

scorecard as (

    select
        count(*) as ppa_count,
        coalesce(sum(budget_allocation), 0) as budget,
        coalesce(sum(budget_allocation) filter (
            where ppa_id in (select cast(ppa_id as varchar) from {{ ref('stg_obcms__monitoring_entries') }})
        ), 0) as obcms_budget

    from {{ ref('fct_performance_scorecard') }}

),

ppas as (

    select
        count(*) as ppa_count,
        coalesce(sum(budget_allocation), 0) as budget

    from {{ ref('dim_ppa') }}

),

staging as (

    select coalesce(sum(budget_allocation), 0) as obcms_budget

    from {{ ref('stg_obcms__monitoring_entries') }}

),

final as (

    select
        scorecard.ppa_count,
        ppas.ppa_count as dim_ppa_count,
        scorecard.budget,
        ppas.budget as dim_ppa_budget,
        scorecard.obcms_budget,
        staging.obcms_budget as staging_obcms_budget

    from scorecard

    cross join ppas

    cross join staging

    where scorecard.ppa_count <> ppas.ppa_count
        or scorecard.budget <> ppas.budget
        or scorecard.obcms_budget <> staging.obcms_budget

)

select * from final
