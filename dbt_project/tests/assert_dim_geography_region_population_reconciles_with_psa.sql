-- Σ population of the PSA provinces loaded (raw.psa_population, rows not marked deleted) per region equals
-- the region's population_total in dim_geography wherever the region's figures come from PSA
-- (population_source = 'psa'): no PSA province is lost or counted twice on its way to the mart.
-- Returns the regions that differ.

with

psa_provinces as (

    select
        region_code,
        sum(population) as psa_population

    from {{ source('psa', 'psa_population') }}

    where _deleted_at is null
        and level = 'province'

    group by region_code

),

regions as (

    select * from {{ ref('dim_geography') }}

    where level = 'region'
        and population_source = 'psa'

),

final as (

    select
        regions.geography_id,
        regions.region_code,
        regions.population_total,
        psa_provinces.psa_population

    from regions

    left join psa_provinces
        on upper(trim(regions.region_code)) = psa_provinces.region_code

    where psa_provinces.psa_population is null
        or regions.population_total <> psa_provinces.psa_population

)

select * from final
