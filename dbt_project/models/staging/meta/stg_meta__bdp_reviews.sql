with

source as (

    select * from {{ source('meta', 'bdp_reviews') }}

),

renamed as (

    select

        ---------- ids
        review_id,
        ppa_id,
        strategic_goal_id,

        ---------- text
        nullif(trim(note), '') as note,
        trim(reviewer) as reviewer,

        ---------- timestamps
        created_at

    from source

)

select * from renamed
