with

source as (

    select * from {{ source('ppa_yaml', 'ppa_yaml_ppas') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- keys
        upper(trim(moa_acronym)) as moa_acronym,
        trim(title) as title,
        fiscal_year,

        ---------- text
        nullif(trim(moa_name), '') as moa_name,
        nullif(trim(description), '') as description,

        ---------- numerics
        cast(approved_budget as {{ money_type() }}) as approved_budget,
        position,
        outcome_indicator_count,
        output_indicator_count,

        ---------- load metadata
        _source as source_name,
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
