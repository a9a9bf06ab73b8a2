with

ceilings as (

    select * from {{ ref('int_budget_ceilings_mapped') }}

),

unmapped_values as (

    select
        'sector' as vocabulary,
        sector_key as stated_value_key,
        sector_stated as stated_value,
        ceiling_id,
        source_table,
        fiscal_year,
        ceiling_amount

    from ceilings

    where sector_match = 'unmapped'

    union all

    select
        'funding_source' as vocabulary,
        funding_key as stated_value_key,
        funding_source_stated as stated_value,
        ceiling_id,
        source_table,
        fiscal_year,
        ceiling_amount

    from ceilings

    where funding_source_match = 'unmapped'

),

final as (

    select
        cast(vocabulary as varchar) as vocabulary,
        cast(stated_value_key as varchar) as stated_value_key,
        cast(min(stated_value) as varchar) as stated_value_example,
        cast(count(*) as integer) as ceiling_count,
        cast({{ dbt.listagg('ceiling_id', "','", 'order by ceiling_id') }} as varchar) as ceiling_ids,
        cast({{ dbt.listagg('distinct source_table', "','", 'order by source_table') }} as varchar) as source_tables,
        cast(min(fiscal_year) as integer) as first_fiscal_year,
        cast(max(fiscal_year) as integer) as last_fiscal_year,
        cast(sum(ceiling_amount) as {{ money_total_type() }}) as ceiling_amount

    from unmapped_values

    group by vocabulary, stated_value_key

)

select * from final
