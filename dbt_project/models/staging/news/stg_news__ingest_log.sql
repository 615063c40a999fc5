select
    cast(path as varchar) as path,
    cast(content_sha256 as varchar) as content_sha256,
    lower(cast(status as varchar)) as status,
    cast(reason as varchar) as reason,
    cast(article_id as varchar) as article_id,
    cast(run_id as varchar) as run_id,
    cast(logged_at as timestamptz) as logged_at
from {{ source('news', 'ingest_log') }}
