with

source as (

    select * from {{ source('obcms', 'communities_obc_community') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as obc_community_id,
        barangay_id,
        nullif(trim(obc_id), '') as obc_id,

        ---------- text
        name,
        settlement_type,
        nullif(trim(proximity_to_barmm), '') as proximity_to_barmm,
        nullif(trim(primary_ethnolinguistic_group), '') as primary_ethnolinguistic_group,
        estimated_poverty_incidence,

        ---------- numerics
        latitude,
        longitude,
        estimated_obc_population,
        total_barangay_population,
        households,
        families,
        women_count,
        pwd_count,
        youth_15_30,

        ---------- booleans
        is_active,
        is_deleted,

        ---------- timestamps
        deleted_at,
        created_at,
        updated_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
