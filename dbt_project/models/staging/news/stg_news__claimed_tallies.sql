select
    cast(report_id as varchar) as report_id,
    cast(article_id as varchar) as article_id,
    cast(claimant as varchar) as claimant,
    nullif(trim(cast(medium as varchar)), '') as medium,
    cast(attacks as integer) as attacks,
    cast(period_start as date) as period_start,
    cast(period_end as date) as period_end,
    nullif(upper(cast(country_code as varchar)), '') as country_code,
    nullif(upper(cast(main_province_code as varchar)), '') as main_province_code,
    cast(char_start as integer) as char_start,
    cast(char_end as integer) as char_end,
    cast(evidence as varchar) as evidence
from {{ source('news', 'claimed_tallies') }}
