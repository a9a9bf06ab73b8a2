with

regions as (

    select * from {{ ref('stg_obcms__regions') }}

),

provinces as (

    select * from {{ ref('stg_obcms__provinces') }}

),

municipalities as (

    select * from {{ ref('stg_obcms__municipalities') }}

),

obc_communities as (

    select * from {{ ref('int_obc_communities_located') }}

    where not is_deleted

),

population_by_region as (

    -- PSA publishes totals for provinces and municipalities; a region's total is the sum of its provinces.
    select
        region_id,
        sum(population_total) as population_total

    from provinces

    group by region_id

),

obc_by_region as (

    select
        region_id,
        sum(estimated_obc_population) as obc_population,
        count(*) as obc_community_count

    from obc_communities

    group by region_id

),

obc_by_province as (

    select
        province_id,
        sum(estimated_obc_population) as obc_population,
        count(*) as obc_community_count

    from obc_communities

    group by province_id

),

obc_by_municipality as (

    select
        municipality_id,
        sum(estimated_obc_population) as obc_population,
        count(*) as obc_community_count

    from obc_communities

    group by municipality_id

),

region_areas as (

    select
        {{ area_key('region', 'regions.region_id') }} as geography_id,
        'region' as level,
        regions.region_id,
        regions.code as region_code,
        regions.name as region_name,
        cast(null as bigint) as province_id,
        cast(null as varchar) as province_name,
        cast(null as bigint) as municipality_id,
        cast(null as varchar) as municipality_name,
        population_by_region.population_total,
        obc_by_region.obc_population,
        obc_by_region.obc_community_count

    from regions

    left join population_by_region
        on regions.region_id = population_by_region.region_id

    left join obc_by_region
        on regions.region_id = obc_by_region.region_id

),

province_areas as (

    select
        {{ area_key('province', 'provinces.province_id') }} as geography_id,
        'province' as level,
        regions.region_id,
        regions.code as region_code,
        regions.name as region_name,
        provinces.province_id,
        provinces.name as province_name,
        cast(null as bigint) as municipality_id,
        cast(null as varchar) as municipality_name,
        provinces.population_total,
        obc_by_province.obc_population,
        obc_by_province.obc_community_count

    from provinces

    left join regions
        on provinces.region_id = regions.region_id

    left join obc_by_province
        on provinces.province_id = obc_by_province.province_id

),

municipality_areas as (

    select
        {{ area_key('municipality', 'municipalities.municipality_id') }} as geography_id,
        'municipality' as level,
        regions.region_id,
        regions.code as region_code,
        regions.name as region_name,
        provinces.province_id,
        provinces.name as province_name,
        municipalities.municipality_id,
        municipalities.name as municipality_name,
        municipalities.population_total,
        obc_by_municipality.obc_population,
        obc_by_municipality.obc_community_count

    from municipalities

    left join provinces
        on municipalities.province_id = provinces.province_id

    left join regions
        on provinces.region_id = regions.region_id

    left join obc_by_municipality
        on municipalities.municipality_id = obc_by_municipality.municipality_id

),

areas as (

    select * from region_areas

    union all

    select * from province_areas

    union all

    select * from municipality_areas

),

final as (

    select
        cast(geography_id as varchar) as geography_id,
        cast(level as varchar) as level,
        cast(region_id as bigint) as region_id,
        cast(region_code as varchar) as region_code,
        cast(region_name as varchar) as region_name,
        cast(province_id as bigint) as province_id,
        cast(province_name as varchar) as province_name,
        cast(municipality_id as bigint) as municipality_id,
        cast(municipality_name as varchar) as municipality_name,
        cast(population_total as bigint) as population_total,
        cast(coalesce(obc_population, 0) as bigint) as obc_population,
        cast(coalesce(obc_community_count, 0) as integer) as obc_community_count

    from areas

)

select * from final
