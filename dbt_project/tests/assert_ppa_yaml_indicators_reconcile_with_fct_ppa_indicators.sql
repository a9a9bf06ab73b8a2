-- Every indicator of the MOA PPA files reaches fct_ppa_indicators exactly once, or is accounted for: per
-- level, the rows of raw.ppa_yaml_indicators not marked deleted equal the fct_ppa_indicators rows with
-- ppa_source = 'ppa_yaml', plus the indicators of PPAs superseded by OBCMS (OBCMS's outcome_framework
-- stands for them), plus indicators whose PPA is not in raw.ppa_yaml_ppas (counted apart, and listed by
-- assert_ppa_yaml_indicators_have_a_ppa). Returns the levels that differ.

with

raw_indicators as (

    select * from {{ source('ppa_yaml', 'ppa_yaml_indicators') }}

    where _deleted_at is null

),

raw_ppas as (

    select * from {{ source('ppa_yaml', 'ppa_yaml_ppas') }}

    where _deleted_at is null

),

matched_ppas as (

    select * from {{ ref('int_ppa_yaml_ppas_matched') }}

),

classified as (

    -- raw keys compared the way staging normalises them (acronym upper case, title trimmed)
    select
        raw_indicators.level,
        case
            when raw_ppas.title is null then 'without_ppa'
            when matched_ppas.superseded_by_ppa_id is not null then 'superseded'
            else 'kept'
        end as outcome

    from raw_indicators

    left join raw_ppas
        on upper(trim(raw_indicators.moa_acronym)) = upper(trim(raw_ppas.moa_acronym))
        and trim(raw_indicators.ppa_title) = trim(raw_ppas.title)
        and raw_indicators.fiscal_year is not distinct from raw_ppas.fiscal_year

    left join matched_ppas
        on upper(trim(raw_ppas.moa_acronym)) = matched_ppas.moa_acronym
        and trim(raw_ppas.title) = matched_ppas.title
        and raw_ppas.fiscal_year is not distinct from matched_ppas.fiscal_year

),

raw_by_level as (

    select
        level,
        count(*) as raw_count,
        sum(case when outcome = 'superseded' then 1 else 0 end) as superseded_count,
        sum(case when outcome = 'without_ppa' then 1 else 0 end) as without_ppa_count

    from classified

    group by level

),

fact_by_level as (

    select
        level,
        count(*) as fact_count

    from {{ ref('fct_ppa_indicators') }}

    where ppa_source = 'ppa_yaml'

    group by level

),

levels as (

    select level from raw_by_level
    union
    select level from fact_by_level

),

final as (

    select
        levels.level,
        coalesce(raw_by_level.raw_count, 0) as raw_count,
        coalesce(fact_by_level.fact_count, 0) as fact_count,
        coalesce(raw_by_level.superseded_count, 0) as superseded_count,
        coalesce(raw_by_level.without_ppa_count, 0) as without_ppa_count

    from levels

    left join raw_by_level
        on levels.level = raw_by_level.level

    left join fact_by_level
        on levels.level = fact_by_level.level

    where coalesce(raw_by_level.raw_count, 0)
        <> coalesce(fact_by_level.fact_count, 0)
        + coalesce(raw_by_level.superseded_count, 0)
        + coalesce(raw_by_level.without_ppa_count, 0)

)

select * from final
