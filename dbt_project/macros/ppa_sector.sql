{#-
    A community need's sector (OBCMS NeedsCategory.sector: education, economic_development, social_development,
    cultural_development, infrastructure, health, governance, environment, security) in the PPA sector vocabulary
    (economic, social, infrastructure, environment, governance, peace_security), so the dashboards' one sector filter
    selects needs and PPAs alike. Education, health, social and cultural development are social services; security
    is peace and security. Null stays null; an unknown value maps to null (and fails the accepted-values test of the
    column, so a new OBCMS category is noticed).
-#}
{% macro ppa_sector(need_sector) -%}
    case lower(trim({{ need_sector }}))
        when 'education' then 'social'
        when 'health' then 'social'
        when 'social_development' then 'social'
        when 'cultural_development' then 'social'
        when 'economic_development' then 'economic'
        when 'security' then 'peace_security'
        when 'infrastructure' then 'infrastructure'
        when 'governance' then 'governance'
        when 'environment' then 'environment'
    end
{%- endmacro %}
