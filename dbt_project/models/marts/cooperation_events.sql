-- One row per real-world cooperation event (meeting, agreement, delegation visit, base
-- handover): the reports int_cooperation_events_clustered grouped, lists unioned.
with reports as (
    select
        *,
        {{ precision_rank('date_precision') }} as precision_rank,
        count(*) over (partition by cooperation_event_id, event_date, date_precision) as date_votes,
        count(*) over (partition by cooperation_event_id, province_code) as province_votes,
        count(*) over (partition by cooperation_event_id, lower(location)) as location_votes
    from {{ ref('int_cooperation_events_clustered') }}
)

select
    cooperation_event_id,
    -- clusters never mix event types (the matching rule requires the same type)
    min(event_type) as event_type,
    first(event_date order by precision_rank, date_votes desc, event_date) as event_date,
    first(date_precision order by precision_rank, date_votes desc, event_date) as date_precision,
    list_sort(list_distinct(flatten(list(participants)))) as participants,
    list_sort(list_distinct(flatten(list(organisations)))) as organisations,
    first(location order by location is null, location_votes desc, location) as location,
    first(province_code order by province_code is null, province_votes desc, province_code) as province_code,
    bool_or(coordination_room) as coordination_room,
    list_sort(list_distinct(flatten(list(room_provinces)))) as room_provinces,
    count(*) as n_reports,
    count(distinct source_group_id) as n_sources,
    list_sort(list(report_id)) as report_ids,
    list_sort(list(distinct article_id)) as article_ids,
    list_sort(list(distinct source) filter (where source is not null)) as sources,
    first(evidence order by published_at nulls last, article_id, char_start) as evidence,
    first(report_id order by published_at nulls last, article_id, char_start) as evidence_report_id,
    first(article_id order by published_at nulls last, article_id, char_start) as evidence_article_id,
    first(char_start order by published_at nulls last, article_id, char_start) as evidence_char_start,
    first(char_end order by published_at nulls last, article_id, char_start) as evidence_char_end,
    min(published_at) as first_reported_at
from reports
group by cooperation_event_id
