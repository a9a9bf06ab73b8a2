with

-- One row per funding ledger entry (allocation, obligation, disbursement or adjustment tranche) of a PPA, in
-- the order the money moved, with running totals: of the entry's own tranche type, and of each type as it
-- stood after the entry. The same rows int_ppa_funding_totals sums, so the last running total of each type
-- equals the PPA's total there (assert_funding_ledger_reconciles_with_totals).

ppas as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

funding_flows as (

    select * from {{ ref('stg_obcms__monitoring_entry_funding') }}

),

entries as (

    select
        cast(funding_flows.funding_flow_id as varchar) as funding_flow_id,
        cast(funding_flows.ppa_id as varchar) as ppa_id,
        cast(ppas.fiscal_year as integer) as fiscal_year,
        funding_flows.scheduled_date,
        funding_flows.tranche_type,
        -- within a day, money moves down the chain: allotment before obligation before disbursement
        case funding_flows.tranche_type
            when 'allocation' then 1
            when 'obligation' then 2
            when 'disbursement' then 3
            else 4
        end as tranche_order,
        cast(funding_flows.amount as {{ money_type() }}) as amount,
        funding_flows.funding_source,
        funding_flows.remarks,
        funding_flows.created_at

    from funding_flows

    -- the PPAs int_ppa_funding_totals keeps: every live monitoring entry
    inner join ppas
        on funding_flows.ppa_id = ppas.ppa_id

),

ordered as (

    select
        *,
        row_number() over (
            partition by ppa_id
            order by scheduled_date asc nulls last, tranche_order, created_at asc nulls last, funding_flow_id
        ) as entry_sequence

    from entries

),

running as (

    select
        *,
        sum(amount) over (
            partition by ppa_id, tranche_type
            order by entry_sequence
            rows between unbounded preceding and current row
        ) as running_type_amount,
        sum(case when tranche_type = 'allocation' then amount else 0 end) over (
            partition by ppa_id order by entry_sequence rows between unbounded preceding and current row
        ) as running_allotment,
        sum(case when tranche_type = 'obligation' then amount else 0 end) over (
            partition by ppa_id order by entry_sequence rows between unbounded preceding and current row
        ) as running_obligations,
        sum(case when tranche_type = 'disbursement' then amount else 0 end) over (
            partition by ppa_id order by entry_sequence rows between unbounded preceding and current row
        ) as running_disbursements,
        sum(case when tranche_type = 'adjustment' then amount else 0 end) over (
            partition by ppa_id order by entry_sequence rows between unbounded preceding and current row
        ) as running_adjustments

    from ordered

),

final as (

    select
        funding_flow_id,
        ppa_id,
        fiscal_year,
        cast(entry_sequence as integer) as entry_sequence,
        scheduled_date,
        tranche_type,
        amount,
        funding_source,
        remarks,
        cast(running_type_amount as {{ money_total_type() }}) as running_type_amount,
        cast(running_allotment as {{ money_total_type() }}) as running_allotment,
        cast(running_obligations as {{ money_total_type() }}) as running_obligations,
        cast(running_disbursements as {{ money_total_type() }}) as running_disbursements,
        cast(running_adjustments as {{ money_total_type() }}) as running_adjustments

    from running

)

select * from final
