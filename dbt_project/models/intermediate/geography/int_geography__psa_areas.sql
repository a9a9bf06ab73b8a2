with

population as (

    select * from {{ ref('stg_psa__population') }}

),

regions as (

    -- The regions PSA population files exist for, with PSA's names for them and their number (the files
    -- carry only the code). Used to name a region that OBCMS does not have.
    select * from (
        values
            ('IX', 'Zamboanga Peninsula', 9),
            ('X', 'Northern Mindanao', 10),
            ('XI', 'Davao Region', 11),
            ('XII', 'SOCCSKSARGEN', 12)
    ) as psa_regions (region_code, region_name, region_number)

),

provinces as (

    select * from population

    where level = 'province'

),

municipalities as (

    select * from population

    where level = 'municipality'

),

barangays as (

    select * from population

    where level = 'barangay'

),

municipalities_by_province as (

    select
        region_code,
        province_name,
        count(*) as children_count,
        count(*) - count(population) as children_without_population,
        coalesce(sum(population), 0) as sum_of_children

    from municipalities

    group by region_code, province_name

),

barangays_by_municipality as (

    select
        region_code,
        province_name,
        municipality_name,
        count(*) as children_count,
        count(*) - count(population) as children_without_population,
        coalesce(sum(population), 0) as sum_of_children

    from barangays

    group by region_code, province_name, municipality_name

),

province_areas as (

    select
        'province' as level,
        provinces.region_code,
        provinces.province_name,
        cast(null as {{ dbt.type_string() }}) as municipality_name,
        provinces.province_name as name,
        provinces.population,
        coalesce(municipalities_by_province.children_count, 0) as children_count,
        coalesce(municipalities_by_province.children_without_population, 0) as children_without_population,
        coalesce(municipalities_by_province.sum_of_children, 0) as sum_of_children,
        provinces.source_file,
        provinces.source_line

    from provinces

    left join municipalities_by_province
        on provinces.region_code = municipalities_by_province.region_code
        and provinces.province_name = municipalities_by_province.province_name

),

municipality_areas as (

    select
        'municipality' as level,
        municipalities.region_code,
        municipalities.province_name,
        municipalities.municipality_name,
        municipalities.municipality_name as name,
        municipalities.population,
        coalesce(barangays_by_municipality.children_count, 0) as children_count,
        coalesce(barangays_by_municipality.children_without_population, 0) as children_without_population,
        coalesce(barangays_by_municipality.sum_of_children, 0) as sum_of_children,
        municipalities.source_file,
        municipalities.source_line

    from municipalities

    left join barangays_by_municipality
        on municipalities.region_code = barangays_by_municipality.region_code
        and municipalities.province_name = barangays_by_municipality.province_name
        and municipalities.municipality_name = barangays_by_municipality.municipality_name

),

areas as (

    select * from province_areas

    union all

    select * from municipality_areas

),

final as (

    select
        areas.level || ':' || areas.region_code || ':' || areas.province_name
            || coalesce(':' || areas.municipality_name, '') as psa_area_key,
        areas.level,
        areas.region_code,
        regions.region_name,
        regions.region_number,
        areas.province_name,
        areas.municipality_name,
        areas.name,
        {{ normalize_place_name('areas.province_name') }} as normalized_province_name,
        {{ normalize_place_name('areas.municipality_name') }} as normalized_municipality_name,
        {{ normalize_place_name('areas.name') }} as normalized_name,
        areas.population,
        areas.children_count,
        areas.children_without_population,
        areas.sum_of_children,
        areas.source_file,
        areas.source_line

    from areas

    left join regions
        on areas.region_code = regions.region_code

)

select * from final
