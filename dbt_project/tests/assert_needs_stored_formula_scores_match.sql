{{ config(severity='warn') }}
-- Needs whose stored priority_score is on OBCMS's formula scale but differs from the score recomputed from
-- their urgency, severity, feasibility, affected population and category weight (e.g. the category's
-- weight changed after scoring, or the need was edited without rescoring). A finding, not a failure:
-- fct_need_gap always uses the recomputed score.

with

needs as (

    select * from {{ ref('fct_need_gap') }}

),

final as (

    select
        need_id,
        stored_priority_score,
        priority_score

    from needs

    where stored_score_scale = 'obcms_formula'
        and stored_priority_score is distinct from priority_score

)

select * from final
