-- Per policy, the cells of fct_policy_moa_budget (policy × MOA × fiscal year) add up to fct_policy_budget's
-- implementing_budget and implementing_ppa_count, to the centavo (exact DECIMAL equality); a policy without a
-- cell must have a budget of 0 and no PPA. Both marts take the distinct (policy, PPA) links whose PPA is in
-- dim_ppa; the matrix also drops links to a policy staging does not hold, which fct_policy_budget (a left join
-- from the policies) never shows either. Returns the policies that differ, and any cell of an unknown policy.

with

cells as (

    select
        policy_recommendation_id,
        sum(implementing_budget) as matrix_budget,
        sum(implementing_ppa_count) as matrix_ppa_count

    from {{ ref('fct_policy_moa_budget') }}

    group by policy_recommendation_id

),

policies as (

    select policy_recommendation_id, implementing_budget, implementing_ppa_count

    from {{ ref('fct_policy_budget') }}

),

final as (

    select
        coalesce(policies.policy_recommendation_id, cells.policy_recommendation_id) as policy_recommendation_id,
        policies.implementing_budget as policy_budget,
        coalesce(cells.matrix_budget, 0) as matrix_budget,
        policies.implementing_ppa_count as policy_ppa_count,
        coalesce(cells.matrix_ppa_count, 0) as matrix_ppa_count

    from policies

    full outer join cells
        on policies.policy_recommendation_id = cells.policy_recommendation_id

    where policies.policy_recommendation_id is null
        or policies.implementing_budget <> coalesce(cells.matrix_budget, 0)
        or policies.implementing_ppa_count <> coalesce(cells.matrix_ppa_count, 0)

)

select * from final
