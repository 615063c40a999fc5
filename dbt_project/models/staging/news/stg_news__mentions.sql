select
    cast(mention_id as varchar) as mention_id,
    cast(article_id as varchar) as article_id,
    cast(sentence_idx as integer) as sentence_idx,
    cast(char_start as integer) as char_start,
    cast(char_end as integer) as char_end,
    cast(text as varchar) as mention_text,
    lower(cast(entity_type as varchar)) as entity_type,
    cast(entity_name as varchar) as entity_name,
    nullif(upper(cast(province_code as varchar)), '') as province_code,
    nullif(lower(cast(place_type as varchar)), '') as place_type
from {{ source('news', 'mentions') }}
