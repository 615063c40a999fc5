select
    cast(table_name as varchar) as table_name,
    cast(record as varchar) as record,
    cast(check_name as varchar) as check_name,
    cast(reason as varchar) as reason,
    cast(run_id as varchar) as run_id
from {{ source('news', 'quarantine') }}
