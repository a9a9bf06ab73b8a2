{{ config(severity='warn') }}

-- Warns with the areas of dim_geography whose centre lies outside the Philippines (lng 116–127 E,
-- lat 4–21.5 N): a centre that parses but is in the wrong place (swapped [lat, lng], a copy-paste from
-- another area) would put the area on the wrong part of the map. Also lists a centre with only one
-- coordinate, which the model never produces.

with

areas as (

    select * from {{ ref('dim_geography') }}

),

misplaced as (

    select
        geography_id,
        level,
        region_code,
        province_name,
        municipality_name,
        center_longitude,
        center_latitude,
        center_source

    from areas

    where (center_longitude is null) <> (center_latitude is null)
        or center_longitude not between 116 and 127
        or center_latitude not between 4 and 21.5

),

final as (

    select * from misplaced

)

select * from final
