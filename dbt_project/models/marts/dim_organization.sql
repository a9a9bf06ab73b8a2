with

organizations as (

    select * from {{ ref('stg_obcms__organizations') }}

),

by_acronym as (

    select * from {{ ref('int_organizations_by_acronym') }}

),

yaml_ppas as (

    select * from {{ ref('int_ppa_yaml_ppas_matched') }}

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

from_obcms as (

    -- Every OBCMS organisation; the BARMM list fills in the kind, and the parent where OBCMS's
    -- description names none.
    select
        organizations.organization_id,
        organizations.name,
        organizations.acronym,
        organizations.organization_type,
        coalesce(parents.parent_acronym, by_acronym.parent_acronym) as parent_acronym,
        organizations.is_active,
        by_acronym.kind,
        'obcms' as organization_source,
        true as in_organization_list,
        coalesce(by_acronym.in_barmm_list, false) as in_barmm_list,
        organizations.source_file,
        organizations.source_line

    from organizations

    left join parents
        on organizations.organization_id = parents.organization_id

    left join by_acronym
        on organizations.organization_id = by_acronym.obcms_organization_id

),

from_barmm_list as (

    -- On the BARMM list but not in OBCMS: a BARMM MOA ('bmoa', as OBCMS's loader of the list types them).
    select
        organization_id,
        list_name as name,
        acronym,
        'bmoa' as organization_type,
        parent_acronym,
        cast(null as boolean) as is_active,
        kind,
        'barmm_list' as organization_source,
        true as in_organization_list,
        true as in_barmm_list,
        source_file,
        source_line

    from by_acronym

    where not in_obcms

),

unlisted_moas as (

    -- Named by a MOA PPA file but on neither list (BAGO in the published files): a row of its own, so its
    -- PPAs have an organisation, flagged for rpt_unknown_organizations.
    select
        moa_id as organization_id,
        coalesce(max(moa_name_in_file), moa_acronym) as name,
        moa_acronym as acronym,
        'bmoa' as organization_type,
        cast(null as varchar) as parent_acronym,
        cast(null as boolean) as is_active,
        cast(null as varchar) as kind,
        'ppa_yaml' as organization_source,
        false as in_organization_list,
        false as in_barmm_list,
        min(source_file) as source_file,
        cast(null as bigint) as source_line

    from yaml_ppas

    where not in_organization_list

    group by moa_id, moa_acronym

),

unioned as (

    select * from from_obcms

    union all

    select * from from_barmm_list

    union all

    select * from unlisted_moas

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
        cast(unioned.organization_id as varchar) as organization_id,
        cast(unioned.name as varchar) as name,
        cast(unioned.acronym as varchar) as acronym,
        cast(unioned.organization_type as varchar) as organization_type,
        cast(unioned.parent_acronym as varchar) as parent_acronym,
        cast(unioned.organization_type = 'bmoa' as boolean) as is_bmoa,
        cast(unioned.is_active as boolean) as is_active,
        cast(coalesce(ppa_counts.ppa_count, 0) as integer) as ppa_count,
        cast(unioned.kind as varchar) as kind,
        cast(unioned.organization_source as varchar) as organization_source,
        cast(unioned.in_organization_list as boolean) as in_organization_list,
        cast(unioned.in_barmm_list as boolean) as in_barmm_list,
        cast(unioned.source_file as varchar) as source_file,
        cast(unioned.source_line as bigint) as source_line

    from unioned

    left join ppa_counts
        on unioned.organization_id = ppa_counts.organization_id

)

select * from final
