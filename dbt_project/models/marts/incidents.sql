-- One row per real-world incident: the reports int_incident_reports_clustered grouped,
-- with the best-supported value of each field and UCDP-style low/best/high casualty figures.
with reports as (
    select
        *,
        {{ precision_rank('date_precision') }} as precision_rank,
        count(*) over (partition by incident_id, event_date, date_precision) as date_votes,
        count(*) over (partition by incident_id, event_type) as type_votes,
        count(*) over (partition by incident_id, perpetrator) as perpetrator_votes,
        count(*) over (partition by incident_id, target_type) as target_type_votes,
        count(*) over (partition by incident_id, province_code) as province_votes,
        count(*) over (partition by incident_id, lower(location)) as location_votes,
        -- a claim of responsibility outranks an attribution, which outranks a suspicion
        case perpetrator_basis
            when 'claimed' then 1 when 'stated' then 2 when 'attributed' then 3
            when 'suspected' then 4 else 5
        end as basis_rank,
        case event_type
            when 'suicide_bombing' then 1 when 'bombing' then 2 when 'assassination' then 3
            when 'execution' then 4 when 'kidnapping' then 5 when 'arson' then 6
            when 'armed_assault' then 7 when 'airstrike' then 8 when 'security_operation' then 9
            else 10
        end as type_specificity
    from {{ ref('int_incident_reports_clustered') }}
),

incidents as (
    select
        incident_id,
        first(event_date order by precision_rank, date_votes desc, event_date) as event_date,
        first(date_precision order by precision_rank, date_votes desc, event_date) as date_precision,
        first(event_type order by event_type = 'other', type_votes desc, type_specificity) as event_type,
        first(perpetrator order by perpetrator = 'unknown', perpetrator_votes desc, basis_rank,
              published_at nulls last, report_id) as perpetrator,
        first(perpetrator_basis order by perpetrator = 'unknown', perpetrator_votes desc, basis_rank,
              published_at nulls last, report_id) as perpetrator_basis,
        list_sort(list_distinct(flatten(list(target)))) as target,
        first(target_type order by target_type = 'unknown', target_type_votes desc, target_type) as target_type,
        first(province_code order by province_code is null, province_votes desc, province_code) as province_code,
        first(location order by location is null, geo_precision nulls last, location_votes desc, location)
            as location,
        first(geo_precision order by location is null, geo_precision nulls last, location_votes desc, location)
            as geo_precision,
        cast(quantile_disc(killed, 0.5) as integer) as killed,
        min(killed) as killed_low,
        max(killed) as killed_high,
        cast(quantile_disc(wounded, 0.5) as integer) as wounded,
        min(wounded) as wounded_low,
        max(wounded) as wounded_high,
        cast(quantile_disc(kidnapped, 0.5) as integer) as kidnapped,
        min(kidnapped) as kidnapped_low,
        max(kidnapped) as kidnapped_high,
        count(*) as n_reports,
        count(distinct source_group_id) as n_sources,
        list_sort(list(report_id)) as report_ids,
        list_sort(list(distinct article_id)) as article_ids,
        list_sort(list(distinct source) filter (where source is not null)) as sources,
        first(report_id order by published_at nulls last, article_id, char_start) as evidence_report_id,
        first(article_id order by published_at nulls last, article_id, char_start) as evidence_article_id,
        first(char_start order by published_at nulls last, article_id, char_start) as evidence_char_start,
        first(char_end order by published_at nulls last, article_id, char_start) as evidence_char_end,
        first(evidence order by published_at nulls last, article_id, char_start) as evidence,
        min(published_at) as first_reported_at
    from reports
    group by incident_id
)

select
    incident_id,
    event_date,
    date_precision,
    event_type,
    event_type not in ('airstrike', 'security_operation') as is_attack,
    perpetrator,
    perpetrator_basis,
    target,
    target_type,
    province_code,
    location,
    geo_precision,
    killed,
    killed_low,
    killed_high,
    wounded,
    wounded_low,
    wounded_high,
    kidnapped,
    kidnapped_low,
    kidnapped_high,
    n_reports,
    n_sources,
    report_ids,
    article_ids,
    sources,
    evidence,
    evidence_report_id,
    evidence_article_id,
    evidence_char_start,
    evidence_char_end,
    first_reported_at
from incidents
