with

needs as (

    select * from {{ ref('stg_obcms__needs') }}

),

needs_addressed as (

    select * from {{ ref('stg_obcms__monitoring_entry_needs_addressed') }}

),

ppas as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

-- the two links OBCMS keeps between a need and a PPA: the need's own FK and the PPA's M2M
links as (

    select
        need_id,
        cast(linked_ppa_id as {{ dbt.type_string() }}) as ppa_id,
        1 as via_linked_ppa,
        0 as via_needs_addressed

    from needs

    where linked_ppa_id is not null

    union all

    select
        need_id,
        cast(ppa_id as {{ dbt.type_string() }}) as ppa_id,
        0 as via_linked_ppa,
        1 as via_needs_addressed

    from needs_addressed

),

-- one row per need and PPA, both ends present (a link to a deleted need or PPA funds nothing)
pairs as (

    select
        links.need_id,
        links.ppa_id,
        max(links.via_linked_ppa) as via_linked_ppa,
        max(links.via_needs_addressed) as via_needs_addressed

    from links

    inner join needs
        on links.need_id = needs.need_id

    inner join ppas
        on links.ppa_id = cast(ppas.ppa_id as {{ dbt.type_string() }})

    group by links.need_id, links.ppa_id

),

with_budget as (

    select
        pairs.need_id,
        pairs.ppa_id,
        pairs.via_linked_ppa = 1 as via_linked_ppa,
        pairs.via_needs_addressed = 1 as via_needs_addressed,
        cast(coalesce(ppas.budget_allocation, 0) as {{ money_type() }}) as ppa_budget_allocation,
        needs.estimated_cost as need_estimated_cost,
        count(*) over (partition by pairs.ppa_id) as ppa_need_count,
        -- the weighted rule applies when every need the PPA funds has an estimated cost > 0
        min(case when needs.estimated_cost > 0 then 1 else 0 end) over (partition by pairs.ppa_id) = 1
            as all_costs_known,
        sum(needs.estimated_cost) over (partition by pairs.ppa_id) as ppa_needs_cost

    from pairs

    inner join ppas
        on pairs.ppa_id = cast(ppas.ppa_id as {{ dbt.type_string() }})

    inner join needs
        on pairs.need_id = needs.need_id

),

-- The weights of the weighted rule: cost_i / Σ cost over the PPA's needs. Where a cost is missing or 0 the
-- weights are 0 / 1, never evaluated into a share (the equal rule applies), and never divide by zero.
weights as (

    select
        *,
        case when all_costs_known then need_estimated_cost else 0 end as weight_numerator,
        case when all_costs_known then ppa_needs_cost else 1 end as weight_denominator

    from with_budget

),

-- OBCMS's distribution rules (macros/distribution.sql). Weighted by the needs' estimated costs when every
-- need has one > 0: floor₂(B × cost_i / Σ cost) each, the last need in text order of need_id (OBCMS sorts
-- by str(id): '10' < '11' < '9') takes B − the others. Otherwise equal: floor₂(B / n) each, the first need
-- (lowest need_id) also takes the remainder. Either way a PPA's shares add up to its budget exactly.
shares as (

    select
        *,
        {{ distribute_weighted(
            'ppa_budget_allocation', 'weight_numerator', 'weight_denominator',
            'ppa_id', 'cast(need_id as ' ~ dbt.type_string() ~ ')'
        ) }} as weighted_share,
        {{ distribute_equal('ppa_budget_allocation', 'ppa_id', 'need_id') }} as equal_share

    from weights

),

final as (

    select
        need_id,
        ppa_id,
        via_linked_ppa,
        via_needs_addressed,
        ppa_budget_allocation,
        ppa_need_count,
        cast(case when all_costs_known then 'weighted' else 'equal' end as {{ dbt.type_string() }})
            as distribution_rule,
        cast(case when all_costs_known then weighted_share else equal_share end as {{ money_type() }})
            as funding_share

    from shares

)

select * from final
