with

source as (

    select * from {{ source('ppa_yaml', 'ppa_yaml_special_provisions') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- keys
        upper(trim(moa_acronym)) as moa_acronym,
        fiscal_year,
        position,

        ---------- text
        title,
        details,
        nullif(trim(matched_ppa_title), '') as matched_ppa_title,

        ---------- load metadata
        _source as source_name,
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
