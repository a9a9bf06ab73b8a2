{#-
    The source tables the project declares over schema raw, for stg_meta__raw_tables (which reads the load metadata
    of every one of them, so that a newly declared source is covered without editing it). Each is a dict:
    source_name, table_name, relation, has_updated_at (the table has an updated_at column), and warn_after_hours /
    error_after_hours (the source's freshness config in hours; none where it sets none). Empty while dbt parses:
    the graph and the tables' columns are known only when the model runs.
-#}
{% macro raw_source_tables() -%}
    {%- set hours_per = {'minute': 1 / 60, 'hour': 1, 'day': 24} -%}
    {%- set tables = [] -%}
    {%- if execute -%}
        {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- if node.schema == 'raw' -%}
                {%- set relation = source(node.source_name, node.name) -%}
                {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
                {%- set freshness = node.freshness or node.config.freshness or {} -%}
                {%- set thresholds = {} -%}
                {%- for name in ['warn_after', 'error_after'] -%}
                    {%- set after = freshness.get(name) or {} -%}
                    {%- do thresholds.update({name: (after.count * hours_per[after.period]) if after.count else none}) -%}
                {%- endfor -%}
                {%- do tables.append({
                    'source_name': node.source_name,
                    'table_name': node.name,
                    'relation': relation,
                    'has_updated_at': 'updated_at' in columns,
                    'warn_after_hours': thresholds.warn_after,
                    'error_after_hours': thresholds.error_after,
                }) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(tables) }}
{%- endmacro %}
