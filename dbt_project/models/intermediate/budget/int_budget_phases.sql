with

-- The budget phases of the funding ledger, one row per phase: a small dimension so that a new phase
-- (say a supplemental appropriation entered as a new tranche type) is one more row here, never a new
-- column downstream. plan_role says what the execution marts do with the phase: 'planned' (the
-- schedule), 'actual' (money out of the door), 'commitment' (obligations), 'none' (counted nowhere).
phases as (

    select 'allocation' as tranche_type, 'allotment' as budget_phase, 2 as phase_order, 'planned' as plan_role
    union all
    select 'obligation', 'obligation', 3, 'commitment'
    union all
    select 'disbursement', 'disbursement', 4, 'actual'
    union all
    select 'adjustment', 'adjustment', 9, 'none'

),

final as (

    select
        cast(tranche_type as varchar) as tranche_type,
        cast(budget_phase as varchar) as budget_phase,
        cast(phase_order as integer) as phase_order,
        cast(plan_role as varchar) as plan_role

    from phases

)

select * from final
