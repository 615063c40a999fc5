{%- set src = source('news', 'incident_reports') -%}
select
    cast(report_id as varchar) as report_id,
    cast(article_id as varchar) as article_id,
    cast(char_start as integer) as char_start,
    cast(char_end as integer) as char_end,
    cast(sentence_idx as integer) as sentence_idx,
    cast(evidence as varchar) as evidence,
    {{ normalised_text('evidence') }} as evidence_normalised,
    -- a precision without a date (or a date marked unknown) is treated as undated
    case when event_date is not null and coalesce(lower(date_precision), 'unknown') <> 'unknown'
         then cast(event_date as date) end as event_date,
    case when event_date is not null and coalesce(lower(date_precision), 'unknown') <> 'unknown'
         then lower(cast(date_precision as varchar)) else 'unknown' end as date_precision,
    lower(cast(event_type as varchar)) as event_type,
    case
        when lower(event_type) = 'airstrike' then 'airstrike'
        when lower(event_type) = 'security_operation' then 'security_operation'
        else 'attack'
    end as event_family,
    -- state and coalition actions are not insurgent attacks; see attacks_per_province_week
    lower(event_type) not in ('airstrike', 'security_operation') as is_attack,
    coalesce(nullif(trim(cast(perpetrator as varchar)), ''), 'unknown') as perpetrator,
    coalesce(lower(cast(perpetrator_basis as varchar)), 'unknown') as perpetrator_basis,
    {{ as_varchar_list(src, 'target') }} as target,
    coalesce(lower(cast(target_type as varchar)), 'unknown') as target_type,
    nullif(upper(cast(province_code as varchar)), '') as province_code,
    nullif(trim(cast(location as varchar)), '') as location,
    cast(geo_precision as integer) as geo_precision,
    cast(killed as integer) as killed,
    cast(wounded as integer) as wounded,
    cast(kidnapped as integer) as kidnapped
from {{ src }}
