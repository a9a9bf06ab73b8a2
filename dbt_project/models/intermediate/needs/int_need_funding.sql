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
        count(*) over (partition by pairs.ppa_id) as ppa_need_count,
        row_number() over (partition by pairs.ppa_id order by pairs.need_id) as position_in_ppa

    from pairs

    inner join ppas
        on pairs.ppa_id = cast(ppas.ppa_id as {{ dbt.type_string() }})

),

-- OBCMS's equal distribution: every need gets the budget / n floored to the centavo, the first need
-- (lowest need_id) also gets the remainder, so the shares add up to the PPA's budget exactly
shares as (

    select
        *,
        cast(floor(ppa_budget_allocation * 100 / ppa_need_count) / 100 as {{ money_type() }}) as base_share

    from with_budget

),

final as (

    select
        need_id,
        ppa_id,
        via_linked_ppa,
        via_needs_addressed,
        ppa_budget_allocation,
        ppa_need_count,
        cast(
            case
                when position_in_ppa = 1 then ppa_budget_allocation - base_share * (ppa_need_count - 1)
                else base_share
            end as {{ money_type() }}
        ) as funding_share

    from shares

)

select * from final
