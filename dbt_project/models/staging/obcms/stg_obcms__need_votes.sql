with

source as (

    select * from {{ source('obcms', 'mana_needvote') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as need_vote_id,
        need_id,
        user_id,
        voter_community_id,

        ---------- text
        comment,

        ---------- numerics
        vote_weight,

        ---------- timestamps
        voted_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
