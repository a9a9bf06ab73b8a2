with

needs as (

    select * from {{ ref('stg_obcms__needs') }}

),

categories as (

    select * from {{ ref('stg_obcms__needs_categories') }}

),

communities as (

    select * from {{ ref('int_obc_communities_located') }}

),

barangays as (

    select * from {{ ref('stg_obcms__barangays') }}

),

municipalities as (

    select * from {{ ref('stg_obcms__municipalities') }}

),

provinces as (

    select * from {{ ref('stg_obcms__provinces') }}

),

regions as (

    select * from {{ ref('stg_obcms__regions') }}

),

funding as (

    select * from {{ ref('int_need_funding') }}

),

funding_by_need as (

    select
        need_id,
        count(*) as funding_ppa_count,
        {{ dbt.listagg('ppa_id', "', '", 'order by ppa_id') }} as funding_ppa_ids,
        max(case when via_linked_ppa then 1 else 0 end) as any_linked_ppa,
        max(case when via_needs_addressed then 1 else 0 end) as any_needs_addressed,
        sum(funding_share) as funding_amount

    from funding

    group by need_id

),

-- OBCMS's calculate_priority_score in exact decimals (weights: metrics.md §4). Only multiplications:
-- a decimal division would turn the score into a double and round 2.835 down.
weights as (

    select
        needs.*,
        categories.name as category_name,
        categories.sector,
        categories.weight_factor,
        case needs.urgency_level
            when 'immediate' then 4
            when 'short_term' then 3
            when 'medium_term' then 2
            when 'long_term' then 1
        end as urgency_weight,
        cast(needs.impact_severity as decimal(10, 4)) * 0.4 as impact_weight,
        case needs.feasibility
            when 'very_high' then 2
            when 'high' then 1.5
            when 'medium' then 1
            when 'low' then 0.5
            when 'very_low' then 0.25
        end as feasibility_weight,
        least(cast(needs.affected_population as decimal(18, 4)) * 0.001, 2) as population_factor

    from needs

    left join categories
        on needs.needs_category_id = categories.needs_category_id

),

scored as (

    select
        *,
        round(
            cast(urgency_weight + impact_weight + feasibility_weight + population_factor as decimal(18, 8))
            * 0.25 * weight_factor,
            2
        ) as recomputed_score

    from weights

),

joined as (

    select
        scored.need_id,
        scored.title,
        scored.assessment_id,
        scored.obc_community_id,
        communities.barangay_id,
        barangays.name as barangay_name,
        communities.municipality_id,
        municipalities.name as municipality_name,
        communities.province_id,
        provinces.name as province_name,
        communities.region_id,
        regions.name as region_name,
        case
            when communities.municipality_id is not null
                then {{ area_key('municipality', 'communities.municipality_id') }}
        end as geography_id,
        scored.needs_category_id,
        scored.category_name,
        scored.sector,
        scored.weight_factor as category_weight,
        scored.urgency_level,
        scored.impact_severity,
        scored.feasibility,
        scored.affected_population,
        scored.estimated_cost,
        scored.status,
        scored.priority_score as stored_priority_score,
        case
            when scored.priority_score is null then 'missing'
            when scored.priority_score > 10 then 'rank_board'
            else 'obcms_formula'
        end as stored_score_scale,
        scored.recomputed_score as priority_score,
        coalesce(scored.recomputed_score > {{ var('need_high_priority_threshold', 4.0) }}, false) as is_high_priority,
        funding_by_need.need_id is not null as is_funded,
        case
            when funding_by_need.any_linked_ppa = 1 and funding_by_need.any_needs_addressed = 1 then 'both'
            when funding_by_need.any_linked_ppa = 1 then 'linked_ppa'
            when funding_by_need.any_needs_addressed = 1 then 'needs_addressed'
        end as funded_via,
        coalesce(funding_by_need.funding_ppa_count, 0) as funding_ppa_count,
        funding_by_need.funding_ppa_ids,
        coalesce(funding_by_need.funding_amount, 0) as funding_amount

    from scored

    left join communities
        on scored.obc_community_id = communities.obc_community_id

    left join barangays
        on communities.barangay_id = barangays.barangay_id

    left join municipalities
        on communities.municipality_id = municipalities.municipality_id

    left join provinces
        on communities.province_id = provinces.province_id

    left join regions
        on communities.region_id = regions.region_id

    left join funding_by_need
        on scored.need_id = funding_by_need.need_id

),

-- share of the need that is covered: funding / estimated cost capped at 1; without a positive cost
-- the need counts as fully covered when funded and not at all when not
covered as (

    select
        *,
        case
            when estimated_cost > 0 then least(cast(1 as decimal(18, 8)), cast(funding_amount as decimal(38, 8)) / estimated_cost)
            when is_funded then 1
            else 0
        end as coverage_ratio

    from joined

),

final as (

    select
        cast(need_id as bigint) as need_id,
        cast(title as varchar) as title,
        cast(assessment_id as varchar) as assessment_id,
        cast(obc_community_id as bigint) as obc_community_id,
        cast(barangay_id as bigint) as barangay_id,
        cast(barangay_name as varchar) as barangay_name,
        cast(municipality_id as bigint) as municipality_id,
        cast(municipality_name as varchar) as municipality_name,
        cast(province_id as bigint) as province_id,
        cast(province_name as varchar) as province_name,
        cast(region_id as bigint) as region_id,
        cast(region_name as varchar) as region_name,
        cast(geography_id as varchar) as geography_id,
        cast(needs_category_id as bigint) as needs_category_id,
        cast(category_name as varchar) as category_name,
        cast(sector as varchar) as sector,
        cast({{ ppa_sector('sector') }} as varchar) as ppa_sector,
        cast(category_weight as decimal(3, 2)) as category_weight,
        cast(urgency_level as varchar) as urgency_level,
        cast(impact_severity as integer) as impact_severity,
        cast(feasibility as varchar) as feasibility,
        cast(affected_population as integer) as affected_population,
        cast(estimated_cost as decimal(15, 2)) as estimated_cost,
        cast(status as varchar) as status,
        cast(stored_priority_score as decimal(5, 2)) as stored_priority_score,
        cast(stored_score_scale as varchar) as stored_score_scale,
        cast(priority_score as decimal(6, 2)) as priority_score,
        cast(is_high_priority as boolean) as is_high_priority,
        cast(is_funded as boolean) as is_funded,
        cast(funded_via as varchar) as funded_via,
        cast(funding_ppa_count as integer) as funding_ppa_count,
        cast(funding_ppa_ids as varchar) as funding_ppa_ids,
        cast(funding_amount as {{ money_total_type() }}) as funding_amount,
        cast(
            case when estimated_cost is not null then greatest(0, estimated_cost - funding_amount) end
            as {{ money_total_type() }}
        ) as unmet_cost,
        cast(coverage_ratio as decimal(9, 6)) as coverage_ratio,
        cast(priority_score * (1 - coverage_ratio) as decimal(12, 6)) as priority_weighted_unmet_need

    from covered

)

select * from final
