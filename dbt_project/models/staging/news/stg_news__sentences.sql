select
    cast(article_id as varchar) as article_id,
    cast(sentence_idx as integer) as sentence_idx,
    cast(paragraph_idx as integer) as paragraph_idx,
    cast(char_start as integer) as char_start,
    cast(char_end as integer) as char_end,
    cast(text as varchar) as sentence_text
from {{ source('news', 'sentences') }}
