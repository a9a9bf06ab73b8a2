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

running as (

    -- one sort: the entry's place in its PPA's ledger and every running total share the same window (the
    -- running total of the entry's own tranche type is the one of the four that matches it; the staging
    -- contract admits no other type)
    select
        *,
        row_number() over by_sequence as entry_sequence,
        sum(case when tranche_type = 'allocation' then amount else 0 end) over running_rows as running_allotment,
        sum(case when tranche_type = 'obligation' then amount else 0 end) over running_rows as running_obligations,
        sum(case when tranche_type = 'disbursement' then amount else 0 end) over running_rows
            as running_disbursements,
        sum(case when tranche_type = 'adjustment' then amount else 0 end) over running_rows as running_adjustments

    from entries

    window
        by_sequence as (
            partition by ppa_id
            order by scheduled_date asc nulls last, tranche_order, created_at asc nulls last, funding_flow_id
        ),
        running_rows as (by_sequence rows between unbounded preceding and current row)

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
        cast(
            case tranche_type
                when 'allocation' then running_allotment
                when 'obligation' then running_obligations
                when 'disbursement' then running_disbursements
                else running_adjustments
            end as {{ money_total_type() }}
        ) as running_type_amount,
        cast(running_allotment as {{ money_total_type() }}) as running_allotment,
        cast(running_obligations as {{ money_total_type() }}) as running_obligations,
        cast(running_disbursements as {{ money_total_type() }}) as running_disbursements,
        cast(running_adjustments as {{ money_total_type() }}) as running_adjustments

    from running

)

select * from final
