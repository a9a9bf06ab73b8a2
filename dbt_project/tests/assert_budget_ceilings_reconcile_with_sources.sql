-- fct_ceiling_monitor: Σ ceiling_amount per source table = Σ ceiling_amount of the staged ceiling
-- table, to the centavo, and every ceiling's allocated_amount = Σ budget_allocation of its PPAs in
-- fct_ceiling_ppas. Returns what differs.

with

monitor as (

    select * from {{ ref('fct_ceiling_monitor') }}

),

ceiling_ppas as (

    select * from {{ ref('fct_ceiling_ppas') }}

),

control as (

    select 'project_central_budgetceiling' as source_table, sum(ceiling_amount) as amount
    from {{ ref('stg_obcms__budget_ceilings') }}
    union all
    select 'monitoring_ceilingmanagement', sum(ceiling_amount)
    from {{ ref('stg_obcms__ceiling_management') }}

),

mart as (

    select source_table, sum(ceiling_amount) as amount

    from monitor

    group by source_table

),

table_differences as (

    select
        control.source_table as item,
        control.amount as control_amount,
        mart.amount as mart_amount

    from control

    left join mart
        on control.source_table = mart.source_table

    where coalesce(control.amount, 0) <> coalesce(mart.amount, 0)

),

allocated_by_ceiling as (

    select ceiling_id, sum(budget_allocation) as amount

    from ceiling_ppas

    group by ceiling_id

),

ceiling_differences as (

    select
        monitor.ceiling_id as item,
        allocated_by_ceiling.amount as control_amount,
        monitor.allocated_amount as mart_amount

    from monitor

    left join allocated_by_ceiling
        on monitor.ceiling_id = allocated_by_ceiling.ceiling_id

    where monitor.status <> 'unmapped'
        and coalesce(allocated_by_ceiling.amount, 0) <> monitor.allocated_amount

),

final as (

    select * from table_differences
    union all
    select * from ceiling_differences

)

select * from final
