with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as ppa_id,
        lead_organization_id,
        implementing_moa_id,
        submitted_to_organization_id,
        submitted_by_community_id,
        coverage_region_id,
        coverage_province_id,
        coverage_municipality_id,
        coverage_barangay_id,
        related_assessment_id,
        execution_project_id,

        ---------- text
        title,
        category,
        summary,
        status,
        nullif(trim(request_status), '') as request_status,
        priority,
        approval_status,
        nullif(trim(request_source), '') as request_source,
        nullif(trim(oobc_unit), '') as oobc_unit,
        nullif(trim(sector), '') as sector,
        nullif(trim(appropriation_class), '') as appropriation_class,
        nullif(trim(funding_source), '') as funding_source,
        nullif(trim(funding_source_other), '') as funding_source_other,
        nullif(trim(program_code), '') as program_code,
        nullif(trim(plan_reference), '') as plan_reference,
        budget_currency,
        nullif(trim(budget_distribution_policy), '') as budget_distribution_policy,
        nullif(trim(moral_governance_pillar), '') as moral_governance_pillar,
        nullif(trim(cost_effectiveness_rating), '') as cost_effectiveness_rating,

        ---------- numerics
        progress,
        estimated_total_amount,
        plan_year,
        fiscal_year,
        budget_ceiling,
        budget_allocation,
        budget_obc_allocation,
        total_slots,
        obc_slots,
        beneficiary_individuals_total,
        beneficiary_organizations_total,
        cost_per_beneficiary,

        ---------- booleans
        is_disaster_related,
        compliance_gad,
        compliance_ccet,
        benefits_indigenous_peoples,
        supports_peace_agenda,
        supports_sdg,
        enable_workitem_tracking,
        auto_sync_progress,
        auto_sync_status,

        ---------- dates
        last_status_update,
        start_date,
        target_end_date,
        actual_end_date,
        next_milestone_date,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- json documents (text)
        goal_alignment,
        outcome_framework,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
