with

organizations as (

    select * from {{ ref('stg_obcms__organizations') }}

),

ppas as (

    select * from {{ ref('dim_ppa') }}

),

parent_candidates as (

    -- OBCMS records an attached agency's parent only in its description: "Attached to <parent name>. <mandate>"
    -- (populate_barmm_organizations). Match that text against every other organisation's name; when
    -- several names match (one a prefix of another), the longest wins.
    select
        children.organization_id,
        parents.acronym as parent_acronym,
        row_number() over (
            partition by children.organization_id
            order by {{ dbt.length('parents.name') }} desc, parents.organization_id
        ) as match_rank

    from organizations as children

    inner join organizations as parents
        on children.organization_id <> parents.organization_id
        and (
            lower(children.description) like lower({{ dbt.concat(["'Attached to '", "parents.name", "'%'"]) }})
            or lower(children.description) like lower({{ dbt.concat(["'Attached to the '", "parents.name", "'%'"]) }})
        )

),

parents as (

    select
        organization_id,
        parent_acronym

    from parent_candidates

    where match_rank = 1

),

ppa_counts as (

    select
        moa_id as organization_id,
        count(*) as ppa_count

    from ppas

    where moa_id is not null

    group by moa_id

),

final as (

    select
        cast(organizations.organization_id as varchar) as organization_id,
        cast(organizations.name as varchar) as name,
        cast(organizations.acronym as varchar) as acronym,
        cast(organizations.organization_type as varchar) as organization_type,
        cast(parents.parent_acronym as varchar) as parent_acronym,
        cast(organizations.organization_type = 'bmoa' as boolean) as is_bmoa,
        cast(organizations.is_active as boolean) as is_active,
        cast(coalesce(ppa_counts.ppa_count, 0) as integer) as ppa_count

    from organizations

    left join parents
        on organizations.organization_id = parents.organization_id

    left join ppa_counts
        on organizations.organization_id = ppa_counts.organization_id

)

select * from final
