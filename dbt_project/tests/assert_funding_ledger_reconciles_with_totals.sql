-- fct_funding_ledger holds every funding entry int_ppa_funding_totals and fct_ppa_budget sum, once: per PPA and
-- tranche type, Σ amount of its ledger rows and the running total of its last row both equal the PPA's total in
-- int_ppa_funding_totals and in fct_ppa_budget (allotment = allocation tranches), to the centavo. A PPA with no
-- ledger rows must have zero totals. Returns the (PPA, tranche type) pairs that differ.

with

ledger as (

    select
        ppa_id,
        tranche_type,
        sum(amount) as ledger_amount,
        -- the running total of the type as it stands after the PPA's last entry of that type
        max_by(running_type_amount, entry_sequence) as last_running_amount

    from {{ ref('fct_funding_ledger') }}

    group by ppa_id, tranche_type

),

totals as (

    select ppa_id, 'allocation' as tranche_type, allocations as totals_amount from {{ ref('int_ppa_funding_totals') }}
    union all
    select ppa_id, 'obligation', obligations from {{ ref('int_ppa_funding_totals') }}
    union all
    select ppa_id, 'disbursement', disbursements from {{ ref('int_ppa_funding_totals') }}
    union all
    select ppa_id, 'adjustment', adjustments from {{ ref('int_ppa_funding_totals') }}

),

fct as (

    select ppa_id, 'allocation' as tranche_type, allotment as fct_amount from {{ ref('fct_ppa_budget') }}
    union all
    select ppa_id, 'obligation', obligations from {{ ref('fct_ppa_budget') }}
    union all
    select ppa_id, 'disbursement', disbursements from {{ ref('fct_ppa_budget') }}
    union all
    select ppa_id, 'adjustment', adjustments from {{ ref('fct_ppa_budget') }}

),

compared as (

    select
        coalesce(ledger.ppa_id, cast(totals.ppa_id as varchar), fct.ppa_id) as ppa_id,
        coalesce(ledger.tranche_type, totals.tranche_type, fct.tranche_type) as tranche_type,
        coalesce(ledger.ledger_amount, 0) as ledger_amount,
        coalesce(ledger.last_running_amount, 0) as last_running_amount,
        totals.totals_amount,
        fct.fct_amount

    from ledger

    full outer join totals
        on ledger.ppa_id = cast(totals.ppa_id as varchar)
        and ledger.tranche_type = totals.tranche_type

    full outer join fct
        on coalesce(ledger.ppa_id, cast(totals.ppa_id as varchar)) = fct.ppa_id
        and coalesce(ledger.tranche_type, totals.tranche_type) = fct.tranche_type

),

final as (

    select *

    from compared

    where ledger_amount <> last_running_amount
        -- every ledger PPA is a monitoring entry, hence in int_ppa_funding_totals, hence in fct_ppa_budget
        or (ledger_amount <> 0 and (totals_amount is null or fct_amount is null))
        or ledger_amount <> coalesce(totals_amount, 0)
        or ledger_amount <> coalesce(fct_amount, 0)

)

select * from final
