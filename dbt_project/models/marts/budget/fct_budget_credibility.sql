with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

funding_totals as (

    select * from {{ ref('int_ppa_funding_totals') }}

),

budgeted_ppas as (

    select
        ppas.ppa_id,
        ppas.fiscal_year,
        coalesce(ppas.moa_id, '(no moa)') as moa_key,
        coalesce(ppas.sector, '(no sector)') as sector_key,
        coalesce(ppas.budget_allocation, 0) as original_budget,
        coalesce(funding_totals.adjustments, 0) as adjustments,
        coalesce(funding_totals.disbursements, 0) as disbursements,
        coalesce(funding_totals.obligations, 0) as obligations

    from ppas

    left join funding_totals
        on ppas.ppa_id = cast(funding_totals.ppa_id as varchar)

    where ppas.fiscal_year is not null
        and ppas.category in ('moa_ppa', 'oobc_ppa')

),

by_year as (

    select
        fiscal_year,
        count(*) as ppa_count,
        sum(original_budget) as original_budget_amount,
        sum(original_budget + adjustments) as adjusted_budget_amount,
        sum(disbursements) as actual_amount,
        sum(obligations) as obligated_amount

    from budgeted_ppas

    group by fiscal_year

),

-- PI-2: Σᵢ |Aᵢ − Bᵢ·(ΣA/ΣB)| / ΣA over the categories of one dimension (MOA or sector)
by_moa as (

    select fiscal_year, moa_key as category_key, sum(original_budget) as budget, sum(disbursements) as actual
    from budgeted_ppas
    group by fiscal_year, moa_key

),

by_sector as (

    select fiscal_year, sector_key as category_key, sum(original_budget) as budget, sum(disbursements) as actual
    from budgeted_ppas
    group by fiscal_year, sector_key

),

composition as (

    select 'moa' as dimension, by_moa.* from by_moa
    union all
    select 'sector' as dimension, by_sector.* from by_sector

),

composition_with_totals as (

    select
        composition.*,
        sum(actual) over (partition by dimension, fiscal_year) as total_actual,
        sum(budget) over (partition by dimension, fiscal_year) as total_budget

    from composition

),

composition_variance as (

    select
        dimension,
        fiscal_year,
        case
            when max(total_actual) = 0 or max(total_budget) = 0 then null
            else sum(abs(actual - budget * total_actual / total_budget)) / max(total_actual)
        end as variance

    from composition_with_totals

    group by dimension, fiscal_year

),

yearly as (

    select
        by_year.*,
        case
            when original_budget_amount = 0 then null
            else cast(actual_amount as decimal(38, 6)) / original_budget_amount
        end as pi1_outturn,
        case
            when original_budget_amount = 0 then null
            else cast(obligated_amount as decimal(38, 6)) / original_budget_amount
        end as pi1_obligation_outturn,
        moa.variance as pi2_moa_variance,
        sector.variance as pi2_sector_variance

    from by_year

    left join composition_variance as moa
        on by_year.fiscal_year = moa.fiscal_year
        and moa.dimension = 'moa'

    left join composition_variance as sector
        on by_year.fiscal_year = sector.fiscal_year
        and sector.dimension = 'sector'

),

-- the bands each year meets; a year without a value meets none
banded as (

    select
        yearly.*,
        case when pi1_outturn between 0.95 and 1.05 then 1 else 0 end as pi1_in_a,
        case when pi1_outturn between 0.90 and 1.10 then 1 else 0 end as pi1_in_b,
        case when pi1_outturn between 0.85 and 1.15 then 1 else 0 end as pi1_in_c,
        case when pi2_moa_variance < 0.05 then 1 else 0 end as moa_in_a,
        case when pi2_moa_variance < 0.10 then 1 else 0 end as moa_in_b,
        case when pi2_moa_variance < 0.15 then 1 else 0 end as moa_in_c,
        case when pi2_sector_variance < 0.05 then 1 else 0 end as sector_in_a,
        case when pi2_sector_variance < 0.10 then 1 else 0 end as sector_in_b,
        case when pi2_sector_variance < 0.15 then 1 else 0 end as sector_in_c

    from yearly

),

-- the window of year Y is the years Y-2..Y that have PPAs
windowed as (

    select
        current_year.fiscal_year,
        count(*) as window_year_count,
        sum(window_year.pi1_in_a) as pi1_in_a,
        sum(window_year.pi1_in_b) as pi1_in_b,
        sum(window_year.pi1_in_c) as pi1_in_c,
        sum(window_year.moa_in_a) as moa_in_a,
        sum(window_year.moa_in_b) as moa_in_b,
        sum(window_year.moa_in_c) as moa_in_c,
        sum(window_year.sector_in_a) as sector_in_a,
        sum(window_year.sector_in_b) as sector_in_b,
        sum(window_year.sector_in_c) as sector_in_c

    from banded as current_year

    inner join banded as window_year
        on window_year.fiscal_year between current_year.fiscal_year - 2 and current_year.fiscal_year

    group by current_year.fiscal_year

),

scored as (

    select
        banded.fiscal_year,
        windowed.window_year_count,
        {% for measure in ['pi1', 'moa', 'sector'] %}
        case
            when windowed.window_year_count < 2 then null
            when windowed.{{ measure }}_in_a >= 2 then 'A'
            when windowed.{{ measure }}_in_b >= 2 then 'B'
            when windowed.{{ measure }}_in_c >= 2 then 'C'
            else 'D'
        end as {{ measure }}_score{{ ',' if not loop.last }}
        {% endfor %}

    from banded

    inner join windowed
        on banded.fiscal_year = windowed.fiscal_year

),

with_previous as (

    select
        yearly.*,
        scored.window_year_count,
        scored.pi1_score,
        scored.moa_score as pi2_moa_score,
        scored.sector_score as pi2_sector_score,
        previous.original_budget_amount as original_budget_amount_prev_year,
        previous.actual_amount as actual_amount_prev_year,
        previous.pi1_outturn as pi1_outturn_prev_year,
        previous.pi2_moa_variance as pi2_moa_variance_prev_year,
        previous.pi2_sector_variance as pi2_sector_variance_prev_year

    from yearly

    inner join scored
        on yearly.fiscal_year = scored.fiscal_year

    left join yearly as previous
        on previous.fiscal_year = yearly.fiscal_year - 1

),

final as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        cast(ppa_count as integer) as ppa_count,
        cast(original_budget_amount as {{ money_total_type() }}) as original_budget_amount,
        cast(adjusted_budget_amount as {{ money_total_type() }}) as adjusted_budget_amount,
        cast(actual_amount as {{ money_total_type() }}) as actual_amount,
        cast(obligated_amount as {{ money_total_type() }}) as obligated_amount,
        cast(round(pi1_outturn, 6) as decimal(18, 6)) as pi1_outturn,
        cast(round(pi1_obligation_outturn, 6) as decimal(18, 6)) as pi1_obligation_outturn,
        cast(pi1_score as varchar) as pi1_score,
        cast(round(pi2_moa_variance, 6) as decimal(18, 6)) as pi2_moa_variance,
        cast(pi2_moa_score as varchar) as pi2_moa_score,
        cast(round(pi2_sector_variance, 6) as decimal(18, 6)) as pi2_sector_variance,
        cast(pi2_sector_score as varchar) as pi2_sector_score,
        cast(window_year_count as integer) as score_window_year_count,
        cast(original_budget_amount_prev_year as {{ money_total_type() }}) as original_budget_amount_prev_year,
        cast(actual_amount_prev_year as {{ money_total_type() }}) as actual_amount_prev_year,
        cast(actual_amount - actual_amount_prev_year as {{ money_total_type() }}) as actual_amount_yoy_change,
        cast(
            case
                when actual_amount_prev_year is null or actual_amount_prev_year = 0 then null
                else round((actual_amount - actual_amount_prev_year) * 100.0 / actual_amount_prev_year, 4)
            end as decimal(18, 4)
        ) as actual_amount_yoy_pct,
        cast(original_budget_amount - original_budget_amount_prev_year as {{ money_total_type() }})
            as original_budget_amount_yoy_change,
        cast(
            case
                when original_budget_amount_prev_year is null or original_budget_amount_prev_year = 0 then null
                else round(
                    (original_budget_amount - original_budget_amount_prev_year) * 100.0 / original_budget_amount_prev_year,
                    4
                )
            end as decimal(18, 4)
        ) as original_budget_amount_yoy_pct,
        cast(round(pi1_outturn_prev_year, 6) as decimal(18, 6)) as pi1_outturn_prev_year,
        cast(round(pi1_outturn - pi1_outturn_prev_year, 6) as decimal(18, 6)) as pi1_outturn_yoy_change,
        cast(round(pi2_moa_variance_prev_year, 6) as decimal(18, 6)) as pi2_moa_variance_prev_year,
        cast(round(pi2_sector_variance_prev_year, 6) as decimal(18, 6)) as pi2_sector_variance_prev_year

    from with_previous

)

select * from final
