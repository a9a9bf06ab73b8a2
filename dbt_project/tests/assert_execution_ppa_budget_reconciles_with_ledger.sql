-- Per tranche type, the funding ledger in staging equals the total of fct_ppa_budget (allotment =
-- allocation tranches), to the centavo: no ledger amount is lost or counted twice. Returns the tranche types
-- that differ.

{{ ledger_tranche_mismatches(ref('fct_ppa_budget'), {
    'allocation': 'allotment',
    'obligation': 'obligations',
    'disbursement': 'disbursements',
    'adjustment': 'adjustments',
}) }}
