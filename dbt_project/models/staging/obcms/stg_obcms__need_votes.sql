with

source as (

    select * from {{ source('obcms', 'mana_needvote') }}

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
        _loaded_at as loaded_at

    from source

)

select * from renamed
