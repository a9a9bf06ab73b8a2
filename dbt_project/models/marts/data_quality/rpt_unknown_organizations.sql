with

yaml_ppas as (

    select * from {{ ref('int_ppa_yaml_ppas_matched') }}

),

unlisted as (

    select * from yaml_ppas

    where not in_organization_list

),

files as (

    select distinct
        moa_acronym,
        source_file

    from unlisted

    where source_file is not null

),

files_by_acronym as (

    select
        moa_acronym,
        count(*) as file_count,
        {{ dbt.listagg('source_file', "', '", 'order by source_file') }} as source_files

    from files

    group by moa_acronym

),

summarised as (

    select
        moa_acronym,
        max(moa_id) as organization_id,
        max(moa_name_in_file) as moa_name,
        count(*) as ppa_count,
        sum(coalesce(approved_budget, 0)) as approved_budget,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        {{ dbt.listagg(
            dbt.concat(["coalesce(source_file, '?')", "':'", "coalesce(cast(source_line as " ~ dbt.type_string() ~ "), '?')"]),
            "', '",
            'order by source_file, source_line',
        ) }} as locations

    from unlisted

    group by moa_acronym

),

final as (

    select
        cast(summarised.moa_acronym as varchar) as moa_acronym,
        cast(summarised.moa_name as varchar) as moa_name,
        cast(summarised.organization_id as varchar) as organization_id,
        cast(summarised.ppa_count as integer) as ppa_count,
        cast(summarised.approved_budget as {{ money_total_type() }}) as approved_budget,
        cast(summarised.first_fiscal_year as integer) as first_fiscal_year,
        cast(summarised.last_fiscal_year as integer) as last_fiscal_year,
        cast(coalesce(files_by_acronym.file_count, 0) as integer) as file_count,
        cast(files_by_acronym.source_files as varchar) as source_files,
        cast(summarised.locations as varchar) as locations

    from summarised

    left join files_by_acronym
        on summarised.moa_acronym = files_by_acronym.moa_acronym

)

select * from final
