with

indicators as (

    select * from {{ ref('int_ppa_indicators_unioned') }}

),

parsed as (

    select
        ppa_id,
        ppa_source,
        level,
        position,
        indicator,
        target_raw,
        {{ indicator_target_value('target_raw') }} as target_value,
        {{ indicator_target_unit('target_raw') }} as unit,
        {{ indicator_target_parse_status('target_raw') }} as parse_status,
        source_file,
        source_line

    from indicators

),

final as (

    select
        cast(ppa_id as varchar) as ppa_id,
        cast(level as varchar) as level,
        cast(position as integer) as position,
        cast(ppa_source as varchar) as ppa_source,
        cast(indicator as varchar) as indicator,
        cast(target_raw as varchar) as target_raw,
        cast(target_value as decimal(18, 4)) as target_value,
        cast(unit as varchar) as unit,
        cast(parse_status as varchar) as parse_status,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line

    from parsed

)

select * from final
