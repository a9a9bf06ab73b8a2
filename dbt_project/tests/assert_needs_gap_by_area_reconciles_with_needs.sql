-- Every need reaches fct_need_gap once (count and Σ estimated_cost equal staging's), and every placed need
-- reaches each level of rpt_gap_by_area once: per level, the count, Σ estimated_cost, Σ funding_amount and
-- Σ unmet_cost of rpt_gap_by_area equal those of the fct_need_gap needs placed at that level. Exact
-- DECIMAL equality. Returns a row per total that differs.

with

staged as (

    select * from {{ ref('stg_obcms__needs') }}

),

needs as (

    select * from {{ ref('fct_need_gap') }}

),

areas as (

    select * from {{ ref('rpt_gap_by_area') }}

),

control as (

    select
        'all' as level,
        count(*) as needs_count,
        coalesce(sum(estimated_cost), 0) as estimated_cost,
        cast(null as {{ money_total_type() }}) as funding_amount,
        cast(null as {{ money_total_type() }}) as unmet_cost

    from staged

    {% for level, placed in [
        ('municipality', 'region_id is not null and municipality_id is not null'),
        ('province', 'region_id is not null and province_id is not null'),
        ('region', 'region_id is not null'),
    ] %}

    union all

    select
        '{{ level }}' as level,
        count(*),
        coalesce(sum(estimated_cost), 0),
        coalesce(sum(funding_amount), 0),
        coalesce(sum(unmet_cost), 0)

    from needs

    where {{ placed }}

    {% endfor %}

),

built as (

    select
        'all' as level,
        count(*) as needs_count,
        coalesce(sum(estimated_cost), 0) as estimated_cost,
        cast(null as {{ money_total_type() }}) as funding_amount,
        cast(null as {{ money_total_type() }}) as unmet_cost

    from needs

    union all

    select
        level,
        sum(needs_count),
        sum(estimated_cost),
        sum(funding_amount),
        sum(unmet_cost)

    from areas

    group by level

),

final as (

    select
        control.level,
        control.needs_count as control_needs_count,
        built.needs_count as built_needs_count,
        control.estimated_cost as control_estimated_cost,
        built.estimated_cost as built_estimated_cost,
        control.funding_amount as control_funding_amount,
        built.funding_amount as built_funding_amount,
        control.unmet_cost as control_unmet_cost,
        built.unmet_cost as built_unmet_cost

    from control

    left join built
        on control.level = built.level

    where control.needs_count > 0
        and (
            built.level is null
            or control.needs_count <> built.needs_count
            or control.estimated_cost <> built.estimated_cost
            or control.funding_amount is distinct from built.funding_amount
            or control.unmet_cost is distinct from built.unmet_cost
        )

)

select * from final
