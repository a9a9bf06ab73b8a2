with

yaml_indicators as (

    select * from {{ ref('stg_ppa_yaml__indicators') }}

),

yaml_ppas as (

    select * from {{ ref('int_ppa_yaml_ppas_matched') }}

),

obcms_ppas as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

from_files as (

    -- Indicators of a PPA that OBCMS also holds are left to OBCMS (its outcome_framework carries the same
    -- list, imported from the same file); indicators whose PPA is not loaded have no PPA to belong to.
    -- Both are counted apart by assert_ppa_yaml_indicators_reconcile_with_fct_ppa_indicators.
    select
        yaml_ppas.ppa_id,
        'ppa_yaml' as ppa_source,
        yaml_indicators.level,
        yaml_indicators.position,
        yaml_indicators.indicator,
        yaml_indicators.target_raw,
        yaml_indicators.source_file,
        yaml_indicators.source_line

    from yaml_indicators

    inner join yaml_ppas
        on yaml_indicators.moa_acronym = yaml_ppas.moa_acronym
        and yaml_indicators.ppa_title = yaml_ppas.title
        and yaml_indicators.fiscal_year is not distinct from yaml_ppas.fiscal_year

    where yaml_ppas.superseded_by_ppa_id is null

),

frameworks as (

    -- OBCMS's outcome_framework: {"outcomes": [{indicator, target}, ...], "outputs": [...]} (JSON text).
    -- Anything else (invalid JSON, another shape) yields no indicators rather than a failed build.
    select
        ppa_id,
        'outcome' as level,
        json_extract(outcome_framework, '$.outcomes[*]') as items

    from obcms_ppas

    where json_valid(outcome_framework)
        and json_type(outcome_framework, '$.outcomes') = 'ARRAY'

    union all

    select
        ppa_id,
        'output' as level,
        json_extract(outcome_framework, '$.outputs[*]') as items

    from obcms_ppas

    where json_valid(outcome_framework)
        and json_type(outcome_framework, '$.outputs') = 'ARRAY'

),

framework_items as (

    select
        ppa_id,
        level,
        unnest(items) as item,
        unnest(generate_series(1, len(items))) as position

    from frameworks

),

from_obcms as (

    select
        cast(ppa_id as varchar) as ppa_id,
        'obcms' as ppa_source,
        level,
        cast(position as integer) as position,
        json_extract_string(item, '$.indicator') as indicator,
        json_extract_string(item, '$.target') as target_raw,
        cast(null as varchar) as source_file,
        cast(null as bigint) as source_line

    from framework_items

),

final as (

    select * from from_files

    union all

    select * from from_obcms

)

select * from final
