select
    upper(cast(province_code as varchar)) as province_code,
    cast(province_name as varchar) as province_name,
    cast(iso_name as varchar) as iso_name,
    coalesce(cast(kurdistan_region as boolean), false) as kurdistan_region,
    coalesce(cast(is_governorate as boolean), true) as is_governorate
from {{ source('news', 'provinces') }}
