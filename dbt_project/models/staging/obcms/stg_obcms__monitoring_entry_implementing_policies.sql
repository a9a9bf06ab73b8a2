with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry_implementing_policies') }}

),

renamed as (

    select

        ---------- ids
        id as monitoring_entry_policy_id,
        monitoringentry_id as ppa_id,
        policyrecommendation_id as policy_recommendation_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
