with

{%- set raw_tables = raw_source_tables() %}

{% for table in raw_tables %}
{{ table.source_name }}__{{ table.table_name }} as (

    -- the load metadata only: rows marked deleted are counted here, as the other staging models drop them
    select
        '{{ table.source_name }}' as source_name,
        '{{ table.table_name }}' as table_name,
        count(*) as rows_total,
        coalesce(sum(case when _deleted_at is null then 1 else 0 end), 0) as rows_live,
        coalesce(sum(case when _deleted_at is not null then 1 else 0 end), 0) as rows_deleted,
        count(distinct _source) as loaded_by_count,
        min(_source) as loaded_by,
        max(_loaded_at) as last_loaded_at,
        min(_deleted_at) as first_deleted_at,
        max(_deleted_at) as last_deleted_at,
        {% if table.has_updated_at -%}
        cast(max(case when _deleted_at is null then updated_at end) as timestamp) as newest_updated_at,
        {%- else -%}
        cast(null as timestamp) as newest_updated_at,
        {%- endif %}
        cast({{ table.warn_after_hours if table.warn_after_hours is not none else 'null' }} as decimal(10, 2))
            as warn_after_hours,
        cast({{ table.error_after_hours if table.error_after_hours is not none else 'null' }} as decimal(10, 2))
            as error_after_hours

    from {{ table.relation }}

),

{% endfor %}
renamed as (

    {% for table in raw_tables -%}
    select * from {{ table.source_name }}__{{ table.table_name }}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}
    {%- if not raw_tables %}
    -- while dbt parses, the list of tables is not known yet
    select
        cast(null as varchar) as source_name,
        cast(null as varchar) as table_name
    {%- endif %}

)

select * from renamed
