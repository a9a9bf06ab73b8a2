with

equity as (

    select * from {{ ref('fct_equity') }}

),

-- each area twice, once per denominator
by_denominator as (

    select
        fiscal_year,
        level,
        'total' as denominator,
        geography_id,
        region_id,
        cast(spending as double) as spending,
        cast(population_total as double) as population,
        cast(unmet_need_cost as double) as unmet_need_cost

    from equity

    union all

    select
        fiscal_year,
        level,
        'obc' as denominator,
        geography_id,
        region_id,
        cast(spending as double) as spending,
        cast(obc_population as double) as population,
        cast(unmet_need_cost as double) as unmet_need_cost

    from equity

),

groups as (

    select distinct
        fiscal_year,
        level,
        denominator

    from by_denominator

),

-- the indices are taken over areas with a population; the others are only counted
areas as (

    select
        *,
        spending / population as per_capita,
        unmet_need_cost / population as need_per_capita

    from by_denominator

    where population > 0

),

totals as (

    select
        fiscal_year,
        level,
        denominator,
        count(*) as n_areas,
        sum(case when spending = 0 then 1 else 0 end) as n_areas_zero_spending,
        sum(spending) as total_spending,
        sum(population) as total_population,
        sum(case when spending > 0 then population else 0 end) as spending_population,
        max(per_capita) as max_per_capita,
        min(per_capita) as min_per_capita,
        avg(per_capita) as mean_per_capita_unweighted,
        stddev_pop(per_capita) as stddev_per_capita_unweighted

    from areas

    group by fiscal_year, level, denominator

),

-- groups for the decomposition: the region of each area
region_totals as (

    select
        fiscal_year,
        level,
        denominator,
        region_id,
        sum(spending) as region_spending,
        sum(population) as region_population,
        sum(case when spending > 0 then population else 0 end) as region_spending_population

    from areas

    group by fiscal_year, level, denominator, region_id

),

area_terms as (

    select
        areas.*,
        totals.total_spending / totals.total_population as mean_per_capita,
        areas.population / totals.total_population as population_share,
        region_totals.region_spending / region_totals.region_population as region_mean_per_capita,
        case
            when totals.spending_population > 0 then areas.population / totals.spending_population
        end as positive_population_share,
        case
            when totals.spending_population > 0 then totals.total_spending / totals.spending_population
        end as positive_mean_per_capita,
        case
            when region_totals.region_spending_population > 0
                then region_totals.region_spending / region_totals.region_spending_population
        end as positive_region_mean_per_capita

    from areas

    inner join totals
        on areas.fiscal_year = totals.fiscal_year
        and areas.level = totals.level
        and areas.denominator = totals.denominator

    inner join region_totals
        on areas.fiscal_year = region_totals.fiscal_year
        and areas.level = region_totals.level
        and areas.denominator = region_totals.denominator
        and areas.region_id is not distinct from region_totals.region_id

),

-- Σ over areas. Theil T: an area without spending adds 0 (0·ln 0 = 0). Theil L: ln(ȳ/0) is undefined, so
-- L is taken over the areas with spending only, their population shares and mean renormalised to them.
sums as (

    select
        fiscal_year,
        level,
        denominator,
        sum(population_share * power(per_capita - mean_per_capita, 2)) as weighted_variance,
        sum(
            case when per_capita > 0 and mean_per_capita > 0
                then population_share * (per_capita / mean_per_capita) * ln(per_capita / mean_per_capita)
            end
        ) as theil_t,
        sum(
            case when per_capita > 0 and mean_per_capita > 0 and region_mean_per_capita > 0
                then population_share * (per_capita / mean_per_capita) * ln(region_mean_per_capita / mean_per_capita)
            end
        ) as theil_t_between,
        sum(
            case when per_capita > 0
                then positive_population_share * ln(positive_mean_per_capita / per_capita)
            end
        ) as theil_l,
        sum(
            case when per_capita > 0
                then positive_population_share * ln(positive_mean_per_capita / positive_region_mean_per_capita)
            end
        ) as theil_l_between

    from area_terms

    group by fiscal_year, level, denominator

),

-- Gini over every pair of areas (r, k), r = k included (adds 0)
pairs as (

    select
        r.fiscal_year,
        r.level,
        r.denominator,
        r.geography_id,
        sum(r.population_share * k.population_share * abs(r.per_capita - k.per_capita)) as weighted_abs_differences,
        sum(abs(r.per_capita - k.per_capita)) as abs_differences,
        -- fractional need rank of r: population share of the areas less needy than r, plus half its ties'
        sum(
            case
                when k.need_per_capita < r.need_per_capita then k.population_share
                when k.need_per_capita = r.need_per_capita then k.population_share / 2
                else 0
            end
        ) as need_rank

    from area_terms as r

    inner join area_terms as k
        on r.fiscal_year = k.fiscal_year
        and r.level = k.level
        and r.denominator = k.denominator

    group by r.fiscal_year, r.level, r.denominator, r.geography_id

),

pair_sums as (

    select
        fiscal_year,
        level,
        denominator,
        sum(weighted_abs_differences) as weighted_abs_differences,
        sum(abs_differences) as abs_differences

    from pairs

    group by fiscal_year, level, denominator

),

-- concentration index (O'Donnell et al. 2008): C = 2 cov_w(y, R) / ȳ, R the fractional need rank
concentration as (

    select
        area_terms.fiscal_year,
        area_terms.level,
        area_terms.denominator,
        sum(area_terms.population_share * (area_terms.per_capita - area_terms.mean_per_capita) * (pairs.need_rank - 0.5))
            as rank_covariance

    from area_terms

    inner join pairs
        on area_terms.fiscal_year = pairs.fiscal_year
        and area_terms.level = pairs.level
        and area_terms.denominator = pairs.denominator
        and area_terms.geography_id = pairs.geography_id

    group by area_terms.fiscal_year, area_terms.level, area_terms.denominator

),

indices as (

    select
        groups.fiscal_year,
        groups.level,
        groups.denominator,
        coalesce(totals.n_areas, 0) as n_areas,
        coalesce(totals.n_areas_zero_spending, 0) as n_areas_zero_spending,
        totals.total_spending,
        totals.total_population,
        case when totals.total_population > 0 then totals.total_spending / totals.total_population end as mean_per_capita,
        case when totals.min_per_capita > 0 then totals.max_per_capita / totals.min_per_capita end as max_min_ratio,
        case when totals.mean_per_capita_unweighted > 0
            then totals.stddev_per_capita_unweighted / totals.mean_per_capita_unweighted
        end as coefficient_of_variation,
        case when totals.total_spending > 0
            then sqrt(sums.weighted_variance) / (totals.total_spending / totals.total_population)
        end as williamson_index,
        case when totals.total_spending > 0
            then pair_sums.weighted_abs_differences / (2 * totals.total_spending / totals.total_population)
        end as gini_weighted,
        case when totals.mean_per_capita_unweighted > 0
            then pair_sums.abs_differences / (2 * totals.n_areas * totals.n_areas * totals.mean_per_capita_unweighted)
        end as gini_unweighted,
        case when totals.total_spending > 0 then coalesce(sums.theil_t, 0) end as theil_t,
        case when totals.total_spending > 0 and groups.level <> 'region' then coalesce(sums.theil_t_between, 0) end
            as theil_t_between,
        case when totals.total_spending > 0 then coalesce(sums.theil_l, 0) end as theil_l,
        case when totals.total_spending > 0 and groups.level <> 'region' then coalesce(sums.theil_l_between, 0) end
            as theil_l_between,
        case when totals.total_spending > 0
            then 2 * concentration.rank_covariance / (totals.total_spending / totals.total_population)
        end as concentration_index

    from groups

    left join totals
        on groups.fiscal_year = totals.fiscal_year
        and groups.level = totals.level
        and groups.denominator = totals.denominator

    left join sums
        on groups.fiscal_year = sums.fiscal_year
        and groups.level = sums.level
        and groups.denominator = sums.denominator

    left join pair_sums
        on groups.fiscal_year = pair_sums.fiscal_year
        and groups.level = pair_sums.level
        and groups.denominator = pair_sums.denominator

    left join concentration
        on groups.fiscal_year = concentration.fiscal_year
        and groups.level = concentration.level
        and groups.denominator = concentration.denominator

),

area_counts as (

    select
        fiscal_year,
        level,
        denominator,
        sum(case when population > 0 then 0 else 1 end) as n_areas_without_population

    from by_denominator

    group by fiscal_year, level, denominator

),

with_previous as (

    select
        indices.*,
        area_counts.n_areas_without_population,
        previous.gini_weighted as gini_weighted_prev_year,
        previous.williamson_index as williamson_index_prev_year,
        previous.theil_t as theil_t_prev_year

    from indices

    inner join area_counts
        on indices.fiscal_year = area_counts.fiscal_year
        and indices.level = area_counts.level
        and indices.denominator = area_counts.denominator

    left join indices as previous
        on indices.fiscal_year - 1 = previous.fiscal_year
        and indices.level = previous.level
        and indices.denominator = previous.denominator

),

final as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        cast(level as varchar) as level,
        cast(denominator as varchar) as denominator,
        cast(n_areas as integer) as n_areas,
        cast(n_areas_without_population as integer) as n_areas_without_population,
        cast(n_areas_zero_spending as integer) as n_areas_zero_spending,
        cast(total_spending as {{ money_total_type() }}) as total_spending,
        cast(total_population as bigint) as total_population,
        cast(mean_per_capita as decimal(18, 4)) as mean_per_capita,
        cast(max_min_ratio as decimal(18, 6)) as max_min_ratio,
        cast(coefficient_of_variation as decimal(18, 6)) as coefficient_of_variation,
        cast(williamson_index as decimal(18, 6)) as williamson_index,
        cast(gini_weighted as decimal(18, 6)) as gini_weighted,
        cast(gini_unweighted as decimal(18, 6)) as gini_unweighted,
        cast(theil_t as decimal(18, 6)) as theil_t,
        cast(theil_t_between as decimal(18, 6)) as theil_t_between,
        cast(theil_t - theil_t_between as decimal(18, 6)) as theil_t_within,
        cast(theil_l as decimal(18, 6)) as theil_l,
        cast(theil_l_between as decimal(18, 6)) as theil_l_between,
        cast(theil_l - theil_l_between as decimal(18, 6)) as theil_l_within,
        cast(concentration_index as decimal(18, 6)) as concentration_index,
        cast(gini_weighted_prev_year as decimal(18, 6)) as gini_weighted_prev_year,
        cast(gini_weighted - gini_weighted_prev_year as decimal(18, 6)) as gini_weighted_yoy_change,
        cast(williamson_index_prev_year as decimal(18, 6)) as williamson_index_prev_year,
        cast(williamson_index - williamson_index_prev_year as decimal(18, 6)) as williamson_index_yoy_change,
        cast(theil_t_prev_year as decimal(18, 6)) as theil_t_prev_year,
        cast(theil_t - theil_t_prev_year as decimal(18, 6)) as theil_t_yoy_change

    from with_previous

)

select * from final
