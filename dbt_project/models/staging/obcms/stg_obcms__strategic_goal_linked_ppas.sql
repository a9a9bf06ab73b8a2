with

source as (

    select * from {{ source('obcms', 'monitoring_strategicgoal_linked_ppas') }}

),

renamed as (

    select

        ---------- ids
        id as strategic_goal_linked_ppa_id,
        strategicgoal_id as strategic_goal_id,
        monitoringentry_id as ppa_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
