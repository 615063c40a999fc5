{%- set src = source('news', 'cooperation_events') -%}
select
    cast(report_id as varchar) as report_id,
    cast(article_id as varchar) as article_id,
    cast(char_start as integer) as char_start,
    cast(char_end as integer) as char_end,
    cast(sentence_idx as integer) as sentence_idx,
    cast(evidence as varchar) as evidence,
    {{ normalised_text('evidence') }} as evidence_normalised,
    lower(cast(event_type as varchar)) as event_type,
    case when event_date is not null and coalesce(lower(date_precision), 'unknown') <> 'unknown'
         then cast(event_date as date) end as event_date,
    case when event_date is not null and coalesce(lower(date_precision), 'unknown') <> 'unknown'
         then lower(cast(date_precision as varchar)) else 'unknown' end as date_precision,
    {{ as_varchar_list(src, 'participants') }} as participants,
    {{ as_varchar_list(src, 'organisations') }} as organisations,
    nullif(trim(cast(location as varchar)), '') as location,
    nullif(upper(cast(province_code as varchar)), '') as province_code,
    coalesce(cast(coordination_room as boolean), false) as coordination_room,
    {{ as_varchar_list(src, 'room_provinces') }} as room_provinces
from {{ src }}
