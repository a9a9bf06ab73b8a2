with

ppas as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

funding_flows as (

    select * from {{ ref('stg_obcms__monitoring_entry_funding') }}

),

totals_by_ppa as (

    select
        ppa_id,
        sum(case when tranche_type = 'allocation' then amount else 0 end) as allocations,
        sum(case when tranche_type = 'obligation' then amount else 0 end) as obligations,
        sum(case when tranche_type = 'disbursement' then amount else 0 end) as disbursements,
        sum(case when tranche_type = 'adjustment' then amount else 0 end) as adjustments,
        count(*) as funding_flow_count,
        min(scheduled_date) as first_scheduled_date,
        max(scheduled_date) as last_scheduled_date

    from funding_flows

    group by ppa_id

),

final as (

    select
        ppas.ppa_id,
        cast(coalesce(totals_by_ppa.allocations, 0) as {{ money_total_type() }}) as allocations,
        cast(coalesce(totals_by_ppa.obligations, 0) as {{ money_total_type() }}) as obligations,
        cast(coalesce(totals_by_ppa.disbursements, 0) as {{ money_total_type() }}) as disbursements,
        cast(coalesce(totals_by_ppa.adjustments, 0) as {{ money_total_type() }}) as adjustments,
        cast(coalesce(totals_by_ppa.funding_flow_count, 0) as integer) as funding_flow_count,
        totals_by_ppa.first_scheduled_date,
        totals_by_ppa.last_scheduled_date

    from ppas

    left join totals_by_ppa
        on ppas.ppa_id = totals_by_ppa.ppa_id

)

select * from final
