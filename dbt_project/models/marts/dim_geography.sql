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

geo_provinces as (

    select * from {{ ref('stg_geo__provinces') }}

),

-- A boundary file's centre for an OBCMS province: matched on the normalised name (normalize_place_name,
-- as for PSA; the file's HUC names carry ' city' in stg_geo__provinces). The file names no region, so a
-- name is matched only when exactly one OBCMS province and exactly one file entry have it; anything else
-- keeps OBCMS's own centre. The file's centres were checked at load (in the Philippines, inside the box).
obcms_province_names as (

    select
        province_id,
        {{ normalize_place_name('name') }} as normalized_name

    from provinces

),

unique_obcms_province_names as (

    select normalized_name

    from obcms_province_names

    group by normalized_name

    having count(*) = 1

),

unique_geo_names as (

    select normalized_name

    from geo_provinces

    group by normalized_name

    having count(*) = 1

),

geo_centers as (

    select
        obcms_province_names.province_id,
        geo_provinces.center_longitude,
        geo_provinces.center_latitude

    from obcms_province_names

    inner join unique_obcms_province_names
        on obcms_province_names.normalized_name = unique_obcms_province_names.normalized_name

    inner join geo_provinces
        on obcms_province_names.normalized_name = geo_provinces.normalized_name

    inner join unique_geo_names
        on geo_provinces.normalized_name = unique_geo_names.normalized_name

),

-- OBCMS's center_coordinates, a JSON [lng, lat] text, per area. Anything but an array of exactly two
-- numbers, or a pair outside lng −180..180 / lat −90..90, gives no centre (both null): a wrong point on
-- a map is worse than none. Each step is guarded, so a malformed text never fails the build.
obcms_center_texts as (

    select 'region' as level, region_id as area_id, center_coordinates from regions

    union all

    select 'province' as level, province_id as area_id, center_coordinates from provinces

    union all

    select 'municipality' as level, municipality_id as area_id, center_coordinates from municipalities

),

obcms_center_pairs as (

    select
        level,
        area_id,
        -- nested, not one AND chain: the JSON functions are only reached on valid JSON text
        case
            when not json_valid(center_coordinates) then false
            when json_type(center_coordinates) <> 'ARRAY' then false
            when json_array_length(center_coordinates) <> 2 then false
            else coalesce(
                json_type(center_coordinates, '$[0]') in ('DOUBLE', 'BIGINT', 'UBIGINT')
                and json_type(center_coordinates, '$[1]') in ('DOUBLE', 'BIGINT', 'UBIGINT'),
                false
            )
        end as is_pair,
        center_coordinates

    from obcms_center_texts

    where center_coordinates is not null

),

obcms_center_numbers as (

    select
        level,
        area_id,
        case when is_pair then cast(json_extract(center_coordinates, '$[0]') as double) end as longitude,
        case when is_pair then cast(json_extract(center_coordinates, '$[1]') as double) end as latitude

    from obcms_center_pairs

),

obcms_centers as (

    select
        level,
        area_id,
        longitude as center_longitude,
        latitude as center_latitude

    from obcms_center_numbers

    where longitude between -180 and 180
        and latitude between -90 and 90

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
        cast(areas.geography_id as varchar) as geography_id,
        cast(areas.level as varchar) as level,
        cast(areas.region_id as bigint) as region_id,
        cast(areas.region_code as varchar) as region_code,
        cast(areas.region_name as varchar) as region_name,
        cast(areas.province_id as bigint) as province_id,
        cast(areas.province_name as varchar) as province_name,
        cast(areas.municipality_id as bigint) as municipality_id,
        cast(areas.municipality_name as varchar) as municipality_name,
        cast(areas.population_total as bigint) as population_total,
        cast(coalesce(areas.obc_population, 0) as bigint) as obc_population,
        cast(coalesce(areas.obc_community_count, 0) as integer) as obc_community_count,
        cast(areas.population_source as varchar) as population_source,
        cast(areas.psa_population as bigint) as psa_population,
        cast(areas.obcms_population as bigint) as obcms_population,
        cast(areas.area_source as varchar) as area_source,
        cast(coalesce(geo_centers.center_longitude, obcms_centers.center_longitude) as double) as center_longitude,
        cast(coalesce(geo_centers.center_latitude, obcms_centers.center_latitude) as double) as center_latitude,
        cast(
            case
                when geo_centers.center_longitude is not null then 'geo_file'
                when obcms_centers.center_longitude is not null then 'obcms'
            end as varchar
        ) as center_source

    from areas

    -- OBCMS provinces only: the boundary file has provinces, and PSA-only ones have no OBCMS id
    left join geo_centers
        on areas.area_source = 'obcms'
        and areas.level = 'province'
        and areas.province_id = geo_centers.province_id

    -- OBCMS areas only: a PSA-only area has no OBCMS id of its level, hence no centre
    left join obcms_centers
        on areas.area_source = 'obcms'
        and areas.level = obcms_centers.level
        and case areas.level
            when 'region' then areas.region_id
            when 'province' then areas.province_id
            else areas.municipality_id
        end = obcms_centers.area_id

)

select * from final
