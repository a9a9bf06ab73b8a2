with

source as (

    select * from {{ source('geo', 'geo_provinces') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- keys
        trim(code) as province_code,

        ---------- text
        trim(name) as name,
        -- an HUC (code HUC_…) named without 'city' is matched as '<name> city', as OBCMS and PSA write it
        case
            when upper(trim(code)) like 'HUC\_%' escape '\'
                and {{ normalize_place_name('name') }} not like '% city'
                then {{ normalize_place_name('name') }} || ' city'
            else {{ normalize_place_name('name') }}
        end as normalized_name,

        ---------- booleans
        upper(trim(code)) like 'HUC\_%' escape '\' as is_huc,

        ---------- coordinates (degrees)
        center_longitude,
        center_latitude,
        bbox_min_longitude,
        bbox_min_latitude,
        bbox_max_longitude,
        bbox_max_latitude,

        ---------- geometry
        geometry_type,
        point_count,
        geometry_json,

        ---------- load metadata
        _source as source_name,
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
