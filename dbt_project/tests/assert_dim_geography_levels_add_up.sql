-- OBC population and community counts agree across levels of dim_geography: a region's equal the sum of
-- its provinces', a province's the sum of its municipalities'. Returns the areas that disagree.

with

areas as (

    select * from {{ ref('dim_geography') }}

),

provinces_by_region as (

    select
        region_id,
        sum(obc_population) as obc_population,
        sum(obc_community_count) as obc_community_count

    from areas

    where level = 'province'

    group by region_id

),

municipalities_by_province as (

    select
        province_id,
        sum(obc_population) as obc_population,
        sum(obc_community_count) as obc_community_count

    from areas

    where level = 'municipality'

    group by province_id

),

region_mismatches as (

    select
        areas.geography_id,
        areas.obc_population,
        coalesce(provinces_by_region.obc_population, 0) as children_obc_population

    from areas

    left join provinces_by_region
        on areas.region_id = provinces_by_region.region_id

    where areas.level = 'region'
        and (
            areas.obc_population <> coalesce(provinces_by_region.obc_population, 0)
            or areas.obc_community_count <> coalesce(provinces_by_region.obc_community_count, 0)
        )

),

province_mismatches as (

    select
        areas.geography_id,
        areas.obc_population,
        coalesce(municipalities_by_province.obc_population, 0) as children_obc_population

    from areas

    left join municipalities_by_province
        on areas.province_id = municipalities_by_province.province_id

    where areas.level = 'province'
        and (
            areas.obc_population <> coalesce(municipalities_by_province.obc_population, 0)
            or areas.obc_community_count <> coalesce(municipalities_by_province.obc_community_count, 0)
        )

),

final as (

    select * from region_mismatches

    union all

    select * from province_mismatches

)

select * from final
