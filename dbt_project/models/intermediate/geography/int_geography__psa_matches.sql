with

psa_areas as (

    select * from {{ ref('int_geography__psa_areas') }}

),

obcms_areas as (

    select * from {{ ref('int_geography__obcms_areas') }}

),

obcms_regions as (

    select * from {{ ref('stg_obcms__regions') }}

),

-- Provinces: every province PSA names within a region, including one whose own line was rejected but
-- whose municipalities were loaded, so that those can still be placed.
psa_provinces as (

    select distinct
        region_code,
        province_name,
        normalized_province_name

    from psa_areas

),

psa_province_twins as (

    select
        region_code,
        normalized_province_name,
        count(*) as psa_count

    from psa_provinces

    group by region_code, normalized_province_name

),

obcms_province_twins as (

    select
        region_code,
        normalized_name,
        count(*) as obcms_count,
        min(province_id) as province_id

    from obcms_areas

    where level = 'province'

    group by region_code, normalized_name

),

province_matches as (

    -- exact equality after normalisation, and only when one name on each side has that form
    select
        psa_provinces.region_code,
        psa_provinces.province_name,
        case
            when psa_province_twins.psa_count > 1 or obcms_province_twins.obcms_count > 1 then 'ambiguous'
            when obcms_province_twins.obcms_count is null then 'no_match'
            else 'normalized_name'
        end as match_method,
        case
            when psa_province_twins.psa_count = 1 and obcms_province_twins.obcms_count = 1
                then obcms_province_twins.province_id
        end as obcms_province_id

    from psa_provinces

    inner join psa_province_twins
        on psa_provinces.region_code = psa_province_twins.region_code
        and psa_provinces.normalized_province_name = psa_province_twins.normalized_province_name

    left join obcms_province_twins
        on psa_provinces.region_code = obcms_province_twins.region_code
        and psa_provinces.normalized_province_name = obcms_province_twins.normalized_name

),

-- Municipalities: only within the OBCMS province matched to their PSA province.
psa_municipalities as (

    select * from psa_areas

    where level = 'municipality'

),

psa_municipality_twins as (

    select
        region_code,
        province_name,
        normalized_municipality_name,
        count(*) as psa_count

    from psa_municipalities

    group by region_code, province_name, normalized_municipality_name

),

obcms_municipality_twins as (

    select
        province_id,
        normalized_name,
        count(*) as obcms_count,
        min(municipality_id) as municipality_id

    from obcms_areas

    where level = 'municipality'

    group by province_id, normalized_name

),

municipality_matches as (

    select
        psa_municipalities.psa_area_key,
        province_matches.obcms_province_id,
        case
            when province_matches.match_method = 'ambiguous' then 'parent_ambiguous'
            when psa_municipality_twins.psa_count > 1 then 'ambiguous'
            when province_matches.match_method <> 'normalized_name' then 'parent_unmatched'
            when obcms_municipality_twins.obcms_count > 1 then 'ambiguous'
            when obcms_municipality_twins.obcms_count is null then 'no_match'
            else 'normalized_name'
        end as match_method,
        case
            when province_matches.match_method = 'normalized_name'
                and psa_municipality_twins.psa_count = 1
                and obcms_municipality_twins.obcms_count = 1
                then obcms_municipality_twins.municipality_id
        end as obcms_municipality_id

    from psa_municipalities

    inner join province_matches
        on psa_municipalities.region_code = province_matches.region_code
        and psa_municipalities.province_name = province_matches.province_name

    inner join psa_municipality_twins
        on psa_municipalities.region_code = psa_municipality_twins.region_code
        and psa_municipalities.province_name = psa_municipality_twins.province_name
        and psa_municipalities.normalized_municipality_name = psa_municipality_twins.normalized_municipality_name

    left join obcms_municipality_twins
        on province_matches.obcms_province_id = obcms_municipality_twins.province_id
        and psa_municipalities.normalized_municipality_name = obcms_municipality_twins.normalized_name

),

matched as (

    select
        psa_areas.psa_area_key,
        psa_areas.level,
        psa_areas.region_code,
        obcms_regions.region_id as obcms_region_id,
        -- a region OBCMS lacks gets minus its number (-12 for XII): never an OBCMS id, never null
        coalesce(obcms_regions.region_id, -psa_areas.region_number) as region_id,
        coalesce(obcms_regions.name, psa_areas.region_name) as region_name,
        psa_areas.province_name,
        psa_areas.municipality_name,
        psa_areas.name,
        psa_areas.normalized_province_name,
        psa_areas.normalized_municipality_name,
        psa_areas.normalized_name,
        psa_areas.population,
        psa_areas.source_file,
        psa_areas.source_line,
        case
            when psa_areas.level = 'province' then province_matches.obcms_province_id
            else municipality_matches.obcms_province_id
        end as obcms_province_id,
        municipality_matches.obcms_municipality_id,
        case
            when psa_areas.level = 'province' then province_matches.match_method
            else municipality_matches.match_method
        end as match_method

    from psa_areas

    left join obcms_regions
        on psa_areas.region_code = upper(trim(obcms_regions.code))

    left join province_matches
        on psa_areas.level = 'province'
        and psa_areas.region_code = province_matches.region_code
        and psa_areas.province_name = province_matches.province_name

    left join municipality_matches
        on psa_areas.psa_area_key = municipality_matches.psa_area_key

),

final as (

    select
        psa_area_key,
        level,
        region_code,
        obcms_region_id,
        region_id,
        region_name,
        province_name,
        municipality_name,
        name,
        normalized_province_name,
        normalized_municipality_name,
        normalized_name,
        population,
        source_file,
        source_line,
        obcms_province_id,
        obcms_municipality_id,
        case
            when level = 'province' then obcms_province_id
            else obcms_municipality_id
        end as matched_obcms_id,
        case
            when match_method <> 'normalized_name' then null
            when level = 'province' then {{ area_key('province', 'obcms_province_id') }}
            else {{ area_key('municipality', 'obcms_municipality_id') }}
        end as matched_geography_id,
        match_method,
        match_method = 'normalized_name' as is_matched

    from matched

)

select * from final
