with

yaml_ppas as (

    select * from {{ ref('stg_ppa_yaml__ppas') }}

),

organizations as (

    select * from {{ ref('int_organizations_by_acronym') }}

),

obcms_ppas as (

    select * from {{ ref('int_obcms_ppas_with_moa') }}

),

obcms_matches as (

    -- The same PPA entered in OBCMS (OBCMS's importer reads these files): same MOA acronym, same title
    -- ignoring case and surrounding blanks, same fiscal year. A null fiscal year matches nothing. When
    -- several OBCMS PPAs match, the smallest id is the one named.
    select
        yaml_ppas.moa_acronym,
        yaml_ppas.title,
        yaml_ppas.fiscal_year,
        obcms_ppas.ppa_id as obcms_ppa_id,
        row_number() over (
            partition by yaml_ppas.moa_acronym, yaml_ppas.title, yaml_ppas.fiscal_year
            order by obcms_ppas.ppa_id
        ) as match_rank

    from yaml_ppas

    inner join obcms_ppas
        on yaml_ppas.moa_acronym = upper(obcms_ppas.moa_acronym)
        and lower(yaml_ppas.title) = lower(trim(obcms_ppas.title))
        and yaml_ppas.fiscal_year = obcms_ppas.fiscal_year

),

final as (

    select
        {{ dbt.concat([
            "'yaml:'",
            dbt.hash(dbt.concat([
                "yaml_ppas.moa_acronym",
                "'|'",
                "yaml_ppas.title",
                "'|'",
                "coalesce(cast(yaml_ppas.fiscal_year as " ~ dbt.type_string() ~ "), '')",
            ])),
        ]) }} as ppa_id,
        yaml_ppas.moa_acronym,
        yaml_ppas.title,
        yaml_ppas.fiscal_year,
        yaml_ppas.description,
        yaml_ppas.approved_budget,
        yaml_ppas.position,
        yaml_ppas.outcome_indicator_count,
        yaml_ppas.output_indicator_count,
        yaml_ppas.moa_name as moa_name_in_file,
        -- an acronym on neither organisation list is keyed like a list-only one ('acronym:<ACRONYM>'),
        -- so dim_organization can give it a row of its own (in_organization_list = false)
        coalesce(
            organizations.organization_id,
            {{ dbt.concat(["'acronym:'", "yaml_ppas.moa_acronym"]) }}
        ) as moa_id,
        coalesce(organizations.name, yaml_ppas.moa_name) as moa_name,
        organizations.acronym is not null as in_organization_list,
        obcms_matches.obcms_ppa_id as superseded_by_ppa_id,
        yaml_ppas.source_name,
        yaml_ppas.source_file,
        yaml_ppas.source_line,
        yaml_ppas.loaded_at

    from yaml_ppas

    left join organizations
        on yaml_ppas.moa_acronym = organizations.acronym

    left join obcms_matches
        on yaml_ppas.moa_acronym = obcms_matches.moa_acronym
        and yaml_ppas.title = obcms_matches.title
        and yaml_ppas.fiscal_year = obcms_matches.fiscal_year
        and obcms_matches.match_rank = 1

)

select * from final
