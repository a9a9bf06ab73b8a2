with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry_implementing_policies') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as monitoring_entry_policy_id,
        monitoringentry_id as ppa_id,
        policyrecommendation_id as policy_recommendation_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
