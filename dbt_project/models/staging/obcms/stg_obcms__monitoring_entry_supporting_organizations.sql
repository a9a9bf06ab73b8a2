with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry_supporting_organizations') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as monitoring_entry_supporting_organization_id,
        monitoringentry_id as ppa_id,
        organization_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
