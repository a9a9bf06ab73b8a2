with

obcms_organizations as (

    select * from {{ ref('stg_obcms__organizations') }}

),

barmm_organizations as (

    select * from {{ ref('stg_organizations__barmm_organizations') }}

),

obcms_ranked as (

    -- Several OBCMS organisations may share an acronym (partners are entered by hand). The one an acronym
    -- stands for is the BARMM MOA (organization_type 'bmoa') if there is one, then an active one, then
    -- the smallest id, so the choice is stable from one build to the next.
    select
        upper(acronym) as acronym,
        organization_id,
        name,
        row_number() over (
            partition by upper(acronym)
            order by
                case when organization_type = 'bmoa' then 0 else 1 end,
                case when is_active then 0 else 1 end,
                organization_id
        ) as acronym_rank

    from obcms_organizations

    where acronym is not null

),

obcms_by_acronym as (

    select
        acronym,
        organization_id,
        name

    from obcms_ranked

    where acronym_rank = 1

),

acronyms as (

    select acronym from obcms_by_acronym

    union

    select acronym from barmm_organizations

),

final as (

    select
        acronyms.acronym,
        -- an organisation known to OBCMS keeps OBCMS's id; one only on the BARMM list is keyed by its acronym
        coalesce(
            obcms_by_acronym.organization_id,
            {{ dbt.concat(["'acronym:'", "acronyms.acronym"]) }}
        ) as organization_id,
        obcms_by_acronym.organization_id as obcms_organization_id,
        coalesce(obcms_by_acronym.name, barmm_organizations.name) as name,
        barmm_organizations.name as list_name,
        barmm_organizations.kind,
        barmm_organizations.parent_acronym,
        barmm_organizations.mandate,
        barmm_organizations.source_file,
        barmm_organizations.source_line,
        obcms_by_acronym.organization_id is not null as in_obcms,
        barmm_organizations.acronym is not null as in_barmm_list

    from acronyms

    left join obcms_by_acronym
        on acronyms.acronym = obcms_by_acronym.acronym

    left join barmm_organizations
        on acronyms.acronym = barmm_organizations.acronym

)

select * from final
