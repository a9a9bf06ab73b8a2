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

province_areas as (

    select
        {{ area_key('province', 'provinces.province_id') }} as obcms_area_key,
        'province' as level,
        provinces.region_id,
        upper(trim(regions.code)) as region_code,
        regions.name as region_name,
        provinces.province_id,
        provinces.name as province_name,
        cast(null as bigint) as municipality_id,
        cast(null as {{ dbt.type_string() }}) as municipality_name,
        provinces.name as name,
        provinces.population_total

    from provinces

    left join regions
        on provinces.region_id = regions.region_id

),

municipality_areas as (

    select
        {{ area_key('municipality', 'municipalities.municipality_id') }} as obcms_area_key,
        'municipality' as level,
        provinces.region_id,
        upper(trim(regions.code)) as region_code,
        regions.name as region_name,
        municipalities.province_id,
        provinces.name as province_name,
        municipalities.municipality_id,
        municipalities.name as municipality_name,
        municipalities.name as name,
        municipalities.population_total

    from municipalities

    left join provinces
        on municipalities.province_id = provinces.province_id

    left join regions
        on provinces.region_id = regions.region_id

),

areas as (

    select * from province_areas

    union all

    select * from municipality_areas

),

final as (

    select
        obcms_area_key,
        level,
        region_id,
        region_code,
        region_name,
        province_id,
        province_name,
        municipality_id,
        municipality_name,
        name,
        {{ normalize_place_name('province_name') }} as normalized_province_name,
        {{ normalize_place_name('name') }} as normalized_name,
        population_total

    from areas

)

select * from final
