with

psa_matches as (

    select * from {{ ref('int_geography__psa_matches') }}

),

obcms_areas as (

    select * from {{ ref('int_geography__obcms_areas') }}

),

psa_regions as (

    -- OBCMS areas are only expected to have a PSA figure in the regions PSA files were loaded for
    select distinct region_code from psa_matches

),

matched_obcms_areas as (

    select matched_geography_id as obcms_area_key

    from psa_matches

    where is_matched

),

-- Candidates are looked for under the same parent: the OBCMS province that the area's province is
-- matched to (scope_province_id), or anywhere in the region when the parent itself is not matched.
psa_pool as (

    select
        'psa' as source,
        level,
        region_code,
        case when level = 'municipality' then obcms_province_id end as scope_province_id,
        name,
        normalized_name

    from psa_matches

),

obcms_pool as (

    select
        'obcms' as source,
        level,
        region_code,
        case when level = 'municipality' then province_id end as scope_province_id,
        name,
        normalized_name

    from obcms_areas

),

pool as (

    select * from psa_pool

    union all

    select * from obcms_pool

),

psa_unmatched as (

    select
        psa_area_key as area_key,
        'psa' as source,
        level,
        region_code,
        case when level = 'province' then region_code else province_name end as parent_name,
        name,
        normalized_name,
        source_file,
        source_line,
        match_method as unmatched_reason,
        case when level = 'municipality' then obcms_province_id end as scope_province_id

    from psa_matches

    where not is_matched

),

obcms_unmatched_areas as (

    select
        obcms_areas.*,
        parents.obcms_area_key is not null as parent_is_matched

    from obcms_areas

    inner join psa_regions
        on obcms_areas.region_code = psa_regions.region_code

    left join matched_obcms_areas
        on obcms_areas.obcms_area_key = matched_obcms_areas.obcms_area_key

    left join matched_obcms_areas as parents
        on obcms_areas.level = 'municipality'
        and {{ area_key('province', 'obcms_areas.province_id') }} = parents.obcms_area_key

    where matched_obcms_areas.obcms_area_key is null

),

obcms_unmatched as (

    select
        obcms_area_key as area_key,
        'obcms' as source,
        level,
        region_code,
        case when level = 'province' then region_code else province_name end as parent_name,
        name,
        normalized_name,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as bigint) as source_line,
        case
            when level = 'municipality' and not parent_is_matched then 'parent_unmatched'
            when exists (
                select 1
                from psa_pool
                where psa_pool.level = obcms_unmatched_areas.level
                    and psa_pool.region_code = obcms_unmatched_areas.region_code
                    and psa_pool.normalized_name = obcms_unmatched_areas.normalized_name
                    and (
                        obcms_unmatched_areas.level = 'province'
                        or psa_pool.scope_province_id = obcms_unmatched_areas.province_id
                    )
            ) then 'ambiguous'
            else 'no_match'
        end as unmatched_reason,
        case when level = 'municipality' and parent_is_matched then province_id end as scope_province_id

    from obcms_unmatched_areas

),

unmatched as (

    select * from psa_unmatched

    union all

    select * from obcms_unmatched

),

candidates as (

    select
        unmatched.area_key,
        pool.name as candidate_name,
        {{ name_similarity('unmatched.normalized_name', 'pool.normalized_name') }} as similarity

    from unmatched

    inner join pool
        on pool.source <> unmatched.source
        and pool.level = unmatched.level
        and pool.region_code = unmatched.region_code
        and (unmatched.scope_province_id is null or pool.scope_province_id = unmatched.scope_province_id)

),

ranked_candidates as (

    select
        area_key,
        candidate_name,
        similarity,
        row_number() over (
            partition by area_key
            order by similarity desc, candidate_name
        ) as candidate_rank

    from candidates

),

closest_candidates as (

    select
        area_key,
        {{ dbt.listagg(
            "candidate_name || ' (' || cast(cast(round(similarity, 2) as decimal(3, 2)) as " ~ dbt.type_string() ~ ") || ')'",
            "'; '",
            'order by candidate_rank'
        ) }} as candidates,
        max(case when candidate_rank = 1 then candidate_name end) as best_candidate,
        max(case when candidate_rank = 1 then similarity end) as best_similarity

    from ranked_candidates

    where candidate_rank <= 3

    group by area_key

),

final as (

    select
        cast(unmatched.source as {{ dbt.type_string() }}) as source,
        cast(unmatched.level as {{ dbt.type_string() }}) as level,
        cast(unmatched.region_code as {{ dbt.type_string() }}) as region_code,
        cast(unmatched.parent_name as {{ dbt.type_string() }}) as parent_name,
        cast(unmatched.name as {{ dbt.type_string() }}) as name,
        cast(unmatched.normalized_name as {{ dbt.type_string() }}) as normalized_name,
        cast(unmatched.source_file as {{ dbt.type_string() }}) as source_file,
        cast(unmatched.source_line as bigint) as source_line,
        cast(closest_candidates.candidates as {{ dbt.type_string() }}) as candidates,
        cast(closest_candidates.best_candidate as {{ dbt.type_string() }}) as best_candidate,
        cast(round(closest_candidates.best_similarity, 3) as decimal(4, 3)) as best_similarity,
        cast(unmatched.unmatched_reason as {{ dbt.type_string() }}) as unmatched_reason,
        cast(unmatched.area_key as {{ dbt.type_string() }}) as area_key

    from unmatched

    left join closest_candidates
        on unmatched.area_key = closest_candidates.area_key

)

select * from final
