with

source as (

    select * from {{ source('organizations', 'barmm_organizations') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- keys
        upper(trim(acronym)) as acronym,

        ---------- text
        trim(name) as name,
        kind,
        upper(nullif(trim(parent_acronym), '')) as parent_acronym,
        nullif(trim(mandate), '') as mandate,

        ---------- load metadata
        _source as source_name,
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
