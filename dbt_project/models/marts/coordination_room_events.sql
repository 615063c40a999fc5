-- One row per cooperation event about the joint coordination rooms x room province. An event
-- about the rooms that names no province keeps one row with room_province_code NULL.
with room_events as (
    select *
    from {{ ref('cooperation_events') }}
    where coordination_room
),

exploded as (
    select
        e.*,
        p.room_province_code
    from room_events as e
    cross join unnest(
        case when len(e.room_provinces) = 0 then [cast(null as varchar)] else e.room_provinces end
    ) as p(room_province_code)
)

select
    x.cooperation_event_id,
    x.room_province_code,
    pr.province_name as room_province_name,
    x.event_type,
    x.event_date,
    x.date_precision,
    x.participants,
    x.organisations,
    x.location,
    x.province_code,
    x.n_reports,
    x.n_sources,
    x.report_ids,
    x.evidence,
    x.evidence_article_id,
    x.first_reported_at
from exploded as x
left join {{ ref('stg_news__provinces') }} as pr
    on pr.province_code = x.room_province_code
