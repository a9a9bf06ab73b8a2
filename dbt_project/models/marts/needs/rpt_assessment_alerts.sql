with

assessments as (

    select * from {{ ref('stg_obcms__assessments') }}

),

needs as (

    select * from {{ ref('fct_need_gap') }}

),

high_priority_by_assessment as (

    select
        assessment_id,
        count(*) as high_priority_needs_count,
        sum(case when not is_funded then 1 else 0 end) as high_priority_unfunded_count,
        coalesce(sum(case when not is_funded then estimated_cost end), 0) as high_priority_unfunded_cost

    from needs

    where is_high_priority
        and assessment_id is not null

    group by assessment_id

),

-- the alert: a completed assessment with more than half of its high-priority needs unfunded
alerts as (

    select
        assessments.assessment_id,
        assessments.title,
        assessments.assessment_level,
        assessments.status,
        assessments.region_id,
        assessments.province_id,
        assessments.municipality_id,
        assessments.actual_end_date,
        high_priority_by_assessment.high_priority_needs_count,
        high_priority_by_assessment.high_priority_unfunded_count,
        high_priority_by_assessment.high_priority_unfunded_cost,
        cast(high_priority_by_assessment.high_priority_unfunded_count as decimal(18, 6))
            / high_priority_by_assessment.high_priority_needs_count as unfunded_share

    from assessments

    inner join high_priority_by_assessment
        on cast(assessments.assessment_id as varchar) = high_priority_by_assessment.assessment_id

    where assessments.status = 'completed'
        and high_priority_by_assessment.high_priority_unfunded_count * 2
            > high_priority_by_assessment.high_priority_needs_count

),

final as (

    select
        cast(assessment_id as varchar) as assessment_id,
        cast(title as varchar) as title,
        cast(assessment_level as varchar) as assessment_level,
        cast(status as varchar) as status,
        cast(region_id as bigint) as region_id,
        cast(province_id as bigint) as province_id,
        cast(municipality_id as bigint) as municipality_id,
        cast(actual_end_date as date) as actual_end_date,
        cast(high_priority_needs_count as integer) as high_priority_needs_count,
        cast(high_priority_unfunded_count as integer) as high_priority_unfunded_count,
        cast(high_priority_unfunded_cost as {{ money_total_type() }}) as high_priority_unfunded_cost,
        cast(unfunded_share as decimal(9, 6)) as unfunded_share

    from alerts

)

select * from final
