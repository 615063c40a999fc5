select
    cast(article_id as varchar) as article_id,
    cast(char_start as integer) as char_start,
    cast(char_end as integer) as char_end,
    cast(text as varchar) as mention_text,
    lower(cast(entity_type as varchar)) as entity_type,
    cast(entity_name as varchar) as entity_name,
    nullif(cast(province_code as varchar), '') as province_code
from {{ source('news', 'mentions') }}
