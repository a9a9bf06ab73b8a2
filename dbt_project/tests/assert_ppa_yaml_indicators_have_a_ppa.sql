-- Known data problem, declared rather than hidden: an indicator whose PPA is not in raw.ppa_yaml_ppas (the PPA
-- row was rejected at load, or the files disagree) has no PPA to belong to and is left out of
-- fct_ppa_indicators. Warns with those indicators and where they are written.
{{ config(severity='warn') }}

with

indicators as (

    select * from {{ ref('stg_ppa_yaml__indicators') }}

),

ppas as (

    select * from {{ ref('stg_ppa_yaml__ppas') }}

),

final as (

    select
        indicators.moa_acronym,
        indicators.ppa_title,
        indicators.fiscal_year,
        indicators.level,
        indicators.position,
        indicators.source_file,
        indicators.source_line

    from indicators

    left join ppas
        on indicators.moa_acronym = ppas.moa_acronym
        and indicators.ppa_title = ppas.title
        and indicators.fiscal_year is not distinct from ppas.fiscal_year

    where ppas.title is null

)

select * from final
