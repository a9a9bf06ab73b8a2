with

-- One row per ceiling funding-source value (lower-cased, trimmed) × PPA funding_source code it stands
-- for. Values of both ceiling tables are read: project_central's legacy codes (gaa, block_grant, lgu,
-- donor, internal, others) and monitoring_ceilingmanagement's free text. A value that no rule below
-- covers has no row: it is unmapped (rpt_ceiling_vocabulary_unmapped lists it).
--   gaa (General Appropriations Act) → gaab_2025 and supplemental_budget, today's appropriation acts
--   block_grant / "BARMM Block Grant" → gaab_2025: the annual block grant is what the GAAB appropriates
--   "GAAB <year>" / "General Appropriations ..." → gaab_2025 (OBCMS has one GAAB code for every year;
--     the ceiling's fiscal year does the year filtering)
--   "Supplemental ..." → supplemental_budget; "Special Development Fund"/sdf → sdf; tdif → tdif;
--   donor / "Official Development Assistance" / oda → oda; lgu → local_program; others → other_sources
--   a value that already is a PPA code maps to itself
--   internal: no PPA funding source is internal money → unmapped
-- A new rule is one more `when` below.
central as (

    select funding_source from {{ ref('stg_obcms__budget_ceilings') }}

),

management as (

    select funding_source from {{ ref('stg_obcms__ceiling_management') }}

),

stated as (

    select distinct lower(trim(funding_source)) as funding_key

    from (
        select funding_source from central
        union all
        select funding_source from management
    ) as both_tables

    where nullif(trim(funding_source), '') is not null

),

rules as (

    select funding_key, 'gaab_2025' as ppa_funding_source from stated
    where funding_key in ('gaa', 'block_grant', 'gaab_2025')
        or funding_key like 'gaab%'
        or funding_key like '%general appropriation%'
        or funding_key like '%block grant%'

    union all

    select funding_key, 'supplemental_budget' from stated
    where funding_key in ('gaa', 'supplemental_budget') or funding_key like '%supplemental%'

    union all

    select funding_key, 'sdf' from stated
    where funding_key = 'sdf' or funding_key like '%special development fund%'

    union all

    select funding_key, 'tdif' from stated
    where funding_key = 'tdif' or funding_key like '%transitional development impact fund%'

    union all

    select funding_key, 'oda' from stated
    where funding_key in ('donor', 'oda') or funding_key like '%official development assistance%'

    union all

    select funding_key, 'local_program' from stated
    where funding_key in ('lgu', 'local_program')

    union all

    select funding_key, 'other_sources' from stated
    where funding_key in ('others', 'other_sources')

    union all

    select funding_key, funding_key from stated
    where funding_key in ('allocation_for_mp', 'national_program')

),

final as (

    select distinct
        cast(funding_key as varchar) as funding_key,
        cast(ppa_funding_source as varchar) as ppa_funding_source

    from rules

)

select * from final
