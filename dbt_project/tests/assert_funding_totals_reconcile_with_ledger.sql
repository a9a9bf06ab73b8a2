-- Every funding ledger amount reaches int_ppa_funding_totals exactly once: per tranche type, the ledger
-- sum equals the sum of the per-PPA totals. Returns the tranche types that differ.

{{ ledger_tranche_mismatches(ref('int_ppa_funding_totals'), {
    'allocation': 'allocations',
    'obligation': 'obligations',
    'disbursement': 'disbursements',
    'adjustment': 'adjustments',
}) }}
