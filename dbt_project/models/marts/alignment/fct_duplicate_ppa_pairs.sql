with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

community_links as (

    select * from {{ ref('stg_obcms__monitoring_entry_communities') }}

),

candidates as (

    -- PPAs that can be compared: a MOA, a sector and both dates.
    select
        ppa_id,
        title,
        moa_id,
        sector,
        coverage_municipality_id,
        start_date,
        target_end_date

    from ppas

    where moa_id is not null
        and sector is not null
        and start_date is not null
        and target_end_date is not null

),

communities as (

    select distinct
        cast(ppa_id as varchar) as ppa_id,
        obc_community_id

    from community_links

),

shared_communities as (

    select
        a.ppa_id as ppa_id_a,
        b.ppa_id as ppa_id_b,
        count(*) as shared_community_count

    from communities as a

    inner join communities as b
        on a.obc_community_id = b.obc_community_id
        and a.ppa_id < b.ppa_id

    group by a.ppa_id, b.ppa_id

),

linked_pairs as (

    -- only the pairs that can be kept (same municipality, or at least one shared community), so the
    -- comparison never forms every pair of a sector (quadratic in the number of PPAs)
    select
        a.ppa_id as ppa_id_a,
        b.ppa_id as ppa_id_b

    from candidates as a

    inner join candidates as b
        on a.coverage_municipality_id = b.coverage_municipality_id
        and a.ppa_id < b.ppa_id

    union

    select
        ppa_id_a,
        ppa_id_b

    from shared_communities

),

pairs as (

    select
        a.ppa_id as ppa_id_a,
        b.ppa_id as ppa_id_b,
        a.moa_id as moa_id_a,
        b.moa_id as moa_id_b,
        a.title as title_a,
        b.title as title_b,
        a.sector,
        coalesce(shared_communities.shared_community_count, 0) as shared_community_count,
        coalesce(a.coverage_municipality_id = b.coverage_municipality_id, false) as same_municipality,
        case
            when a.coverage_municipality_id = b.coverage_municipality_id then a.coverage_municipality_id
        end as shared_municipality_id,
        {{ dbt.datediff(
            'greatest(a.start_date, b.start_date)',
            'least(a.target_end_date, b.target_end_date)',
            'day'
        ) }} + 1 as overlap_days

    from linked_pairs

    inner join candidates as a
        on linked_pairs.ppa_id_a = a.ppa_id

    inner join candidates as b
        on linked_pairs.ppa_id_b = b.ppa_id
        and a.sector = b.sector
        and a.moa_id <> b.moa_id

    left join shared_communities
        on a.ppa_id = shared_communities.ppa_id_a
        and b.ppa_id = shared_communities.ppa_id_b

),

kept as (

    select
        *,
        -- Jaro-Winkler similarity of the lower-cased, trimmed titles (0 to 1; macros/normalize_place_name.sql:
        -- DuckDB's jaro_winkler_similarity, a compile error on adapters without one)
        {{ name_similarity('lower(trim(title_a))', 'lower(trim(title_b))') }} as title_similarity

    from pairs

    where (shared_community_count > 0 or same_municipality)
        and overlap_days > 0

),

ranked as (

    select
        *,
        row_number() over (
            order by title_similarity desc, shared_community_count desc, overlap_days desc, ppa_id_a, ppa_id_b
        ) as similarity_rank

    from kept

),

final as (

    select
        cast(ppa_id_a as varchar) as ppa_id_a,
        cast(ppa_id_b as varchar) as ppa_id_b,
        cast(moa_id_a as varchar) as moa_id_a,
        cast(moa_id_b as varchar) as moa_id_b,
        cast(title_a as varchar) as title_a,
        cast(title_b as varchar) as title_b,
        cast(sector as varchar) as sector,
        cast(shared_community_count as integer) as shared_community_count,
        cast(same_municipality as boolean) as same_municipality,
        cast(shared_municipality_id as bigint) as shared_municipality_id,
        cast(overlap_days as integer) as overlap_days,
        cast(round(title_similarity, 4) as decimal(5, 4)) as title_similarity,
        cast(similarity_rank as integer) as similarity_rank

    from ranked

)

select * from final
