with

psa_areas as (

    select * from {{ ref('int_geography__psa_areas') }}

),

compared as (

    select
        psa_area_key,
        level,
        region_code,
        province_name,
        municipality_name,
        population as stated_population,
        sum_of_children,
        sum_of_children - population as difference,
        children_count,
        children_without_population,
        case
            when children_count = 0 then 'no_children'
            when sum_of_children = population and children_without_population = 0 then 'consistent'
            else 'children_do_not_add_up'
        end as status,
        source_file,
        source_line

    from psa_areas

),

final as (

    select
        cast(level as {{ dbt.type_string() }}) as level,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(municipality_name as {{ dbt.type_string() }}) as municipality_name,
        cast(stated_population as bigint) as stated_population,
        cast(sum_of_children as bigint) as sum_of_children,
        cast(difference as bigint) as difference,
        cast(children_count as integer) as children_count,
        cast(children_without_population as integer) as children_without_population,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as bigint) as source_line,
        cast(psa_area_key as {{ dbt.type_string() }}) as psa_area_key

    from compared

)

select * from final
