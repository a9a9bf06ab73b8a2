-- Every centavo of a PPA that funds a need reaches fct_need_gap once: Σ funding_amount over the needs =
-- Σ budget_allocation (null = 0) of the OBCMS PPAs linked to at least one need through either link
-- (mana_need.linked_ppa or the needs_addressed M2M), both ends in staging. Exact DECIMAL equality.
-- Returns a row when they differ.

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

fct as (

    select coalesce(sum(funding_amount), 0) as funding_amount from {{ ref('fct_need_gap') }}

),

funding_ppas as (

    select cast(linked_ppa_id as {{ dbt.type_string() }}) as ppa_id from needs where linked_ppa_id is not null

    union

    select cast(needs_addressed.ppa_id as {{ dbt.type_string() }}) as ppa_id

    from needs_addressed

    inner join needs
        on needs_addressed.need_id = needs.need_id

),

control as (

    select coalesce(sum(coalesce(ppas.budget_allocation, 0)), 0) as budget

    from ppas

    where cast(ppas.ppa_id as {{ dbt.type_string() }}) in (select ppa_id from funding_ppas)

),

final as (

    select
        control.budget as control_total,
        fct.funding_amount as fct_total

    from control

    cross join fct

    where control.budget <> fct.funding_amount

)

select * from final
