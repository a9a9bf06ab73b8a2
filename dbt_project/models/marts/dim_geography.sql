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

psa_matches as (

    select * from {{ ref('int_geography__psa_matches') }}

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

-- PSA figures for the OBCMS areas matched to a PSA area (one PSA area per OBCMS area at most)
psa_by_province as (

    select
        obcms_province_id as province_id,
        population as psa_population

    from psa_matches

    where level = 'province'
        and is_matched

),

psa_by_municipality as (

    select
        obcms_municipality_id as municipality_id,
        population as psa_population

    from psa_matches

    where level = 'municipality'
        and is_matched

),

-- PSA areas OBCMS does not have become areas of their own. An ambiguous PSA area does not: it has
-- OBCMS counterparts, only not a single one (rpt_geography_unmatched lists it).
psa_only_areas as (

    select * from psa_matches

    where match_method in ('no_match', 'parent_unmatched')

),

psa_by_region as (

    select
        region_code,
        sum(population) as psa_population,
        count(*) as psa_province_count,
        sum(case when match_method in ('normalized_name', 'no_match') then 1 else 0 end) as psa_provinces_placed

    from psa_matches

    where level = 'province'

    group by region_code

),

obcms_province_areas as (

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
        coalesce(psa_by_province.psa_population, provinces.population_total) as population_total,
        psa_by_province.psa_population,
        provinces.population_total as obcms_population,
        case
            when psa_by_province.psa_population is not null then 'psa'
            when provinces.population_total is not null then 'obcms'
        end as population_source,
        'obcms' as area_source,
        obc_by_province.obc_population,
        obc_by_province.obc_community_count

    from provinces

    left join regions
        on provinces.region_id = regions.region_id

    left join psa_by_province
        on provinces.province_id = psa_by_province.province_id

    left join obc_by_province
        on provinces.province_id = obc_by_province.province_id

),

psa_province_areas as (

    select
        'psa-province:' || psa_only_areas.region_code || ':'
            || replace(psa_only_areas.normalized_name, ' ', '-') as geography_id,
        'province' as level,
        psa_only_areas.region_id,
        psa_only_areas.region_code,
        psa_only_areas.region_name,
        cast(null as bigint) as province_id,
        psa_only_areas.province_name,
        cast(null as bigint) as municipality_id,
        cast(null as varchar) as municipality_name,
        psa_only_areas.population as population_total,
        psa_only_areas.population as psa_population,
        cast(null as bigint) as obcms_population,
        'psa' as population_source,
        'psa' as area_source,
        cast(null as bigint) as obc_population,
        cast(null as bigint) as obc_community_count

    from psa_only_areas

    where psa_only_areas.level = 'province'

),

province_areas as (

    select * from obcms_province_areas

    union all

    select * from psa_province_areas

),

obcms_municipality_areas as (

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
        coalesce(psa_by_municipality.psa_population, municipalities.population_total) as population_total,
        psa_by_municipality.psa_population,
        municipalities.population_total as obcms_population,
        case
            when psa_by_municipality.psa_population is not null then 'psa'
            when municipalities.population_total is not null then 'obcms'
        end as population_source,
        'obcms' as area_source,
        obc_by_municipality.obc_population,
        obc_by_municipality.obc_community_count

    from municipalities

    left join provinces
        on municipalities.province_id = provinces.province_id

    left join regions
        on provinces.region_id = regions.region_id

    left join psa_by_municipality
        on municipalities.municipality_id = psa_by_municipality.municipality_id

    left join obc_by_municipality
        on municipalities.municipality_id = obc_by_municipality.municipality_id

),

psa_municipality_areas as (

    select
        'psa-municipality:' || psa_only_areas.region_code || ':'
            || replace(psa_only_areas.normalized_province_name, ' ', '-') || ':'
            || replace(psa_only_areas.normalized_name, ' ', '-') as geography_id,
        'municipality' as level,
        psa_only_areas.region_id,
        psa_only_areas.region_code,
        psa_only_areas.region_name,
        -- under the OBCMS province its PSA province is matched to, when it is
        psa_only_areas.obcms_province_id as province_id,
        coalesce(provinces.name, psa_only_areas.province_name) as province_name,
        cast(null as bigint) as municipality_id,
        psa_only_areas.municipality_name,
        psa_only_areas.population as population_total,
        psa_only_areas.population as psa_population,
        cast(null as bigint) as obcms_population,
        'psa' as population_source,
        'psa' as area_source,
        cast(null as bigint) as obc_population,
        cast(null as bigint) as obc_community_count

    from psa_only_areas

    left join provinces
        on psa_only_areas.obcms_province_id = provinces.province_id

    where psa_only_areas.level = 'municipality'

),

-- A region's population is the sum of its provinces' (OBCMS provinces and PSA-only ones alike).
provinces_by_region as (

    select
        region_id,
        sum(population_total) as population_total,
        sum(obcms_population) as obcms_population,
        count(*) as province_count,
        count(population_total) as provinces_with_population,
        sum(case when population_source = 'psa' then 1 else 0 end) as provinces_from_psa,
        sum(case when population_source = 'obcms' then 1 else 0 end) as provinces_from_obcms

    from province_areas

    group by region_id

),

psa_only_regions as (

    select distinct
        region_id,
        region_code,
        region_name

    from psa_matches

    where obcms_region_id is null

),

all_regions as (

    select
        {{ area_key('region', 'region_id') }} as geography_id,
        region_id,
        code as region_code,
        name as region_name,
        'obcms' as area_source

    from regions

    union all

    select
        'psa-region:' || region_code as geography_id,
        region_id,
        region_code,
        region_name,
        'psa' as area_source

    from psa_only_regions

),

region_areas as (

    select
        all_regions.geography_id,
        'region' as level,
        all_regions.region_id,
        all_regions.region_code,
        all_regions.region_name,
        cast(null as bigint) as province_id,
        cast(null as varchar) as province_name,
        cast(null as bigint) as municipality_id,
        cast(null as varchar) as municipality_name,
        provinces_by_region.population_total,
        psa_by_region.psa_population,
        provinces_by_region.obcms_population,
        -- 'psa' only when every province's figure is PSA's and every PSA province is among them
        case
            when coalesce(provinces_by_region.provinces_with_population, 0) = 0 then null
            when provinces_by_region.provinces_from_psa = provinces_by_region.province_count
                and psa_by_region.psa_province_count = psa_by_region.psa_provinces_placed
                then 'psa'
            when provinces_by_region.provinces_from_obcms = provinces_by_region.provinces_with_population
                and psa_by_region.region_code is null
                then 'obcms'
            else 'mixed'
        end as population_source,
        all_regions.area_source,
        obc_by_region.obc_population,
        obc_by_region.obc_community_count

    from all_regions

    left join provinces_by_region
        on all_regions.region_id = provinces_by_region.region_id

    left join psa_by_region
        on upper(trim(all_regions.region_code)) = psa_by_region.region_code

    left join obc_by_region
        on all_regions.region_id = obc_by_region.region_id

),

areas as (

    select * from region_areas

    union all

    select * from province_areas

    union all

    select * from obcms_municipality_areas

    union all

    select * from psa_municipality_areas

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
        cast(coalesce(obc_community_count, 0) as integer) as obc_community_count,
        cast(population_source as varchar) as population_source,
        cast(psa_population as bigint) as psa_population,
        cast(obcms_population as bigint) as obcms_population,
        cast(area_source as varchar) as area_source

    from areas

)

select * from final
