select
    cast(article_id as varchar) as article_id,
    cast(source_file as varchar) as source_file,
    nullif(trim(cast(source as varchar)), '') as source,
    nullif(trim(cast(url as varchar)), '') as url,
    cast(headline as varchar) as headline,
    cast(dateline as varchar) as dateline,
    cast(published_at as date) as published_at,
    lower(coalesce(cast(published_at_basis as varchar), 'unknown')) as published_at_basis,
    cast(body as varchar) as body,
    nullif(cast(near_duplicate_of as varchar), '') as near_duplicate_of,
    -- near-duplicate copies (syndicated rewrites) count as one source downstream
    coalesce(nullif(cast(near_duplicate_of as varchar), ''), cast(article_id as varchar)) as source_group_id,
    lower(cast(language as varchar)) as language,
    cast(content_sha256 as varchar) as content_sha256,
    cast(char_count as integer) as char_count
from {{ source('news', 'articles') }}
