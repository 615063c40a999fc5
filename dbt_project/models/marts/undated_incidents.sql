-- One row per attack that attacks_per_province_week cannot place, with the reason, so that
-- count(attacks in incidents) = sum(weekly attacks) + count(undated_incidents).
with governorates as (
    select province_code
    from {{ ref('stg_news__provinces') }}
    where is_governorate
),

classified as (
    select
        i.*,
        g.province_code is not null as has_governorate,
        case
            when i.date_precision not in ('day', 'week') or i.event_date is null then
                case i.date_precision
                    when 'month' then 'month_precision'
                    when 'year' then 'year_precision'
                    else 'undated'
                end
            when g.province_code is null then 'no_governorate'
        end as reason
    from {{ ref('incidents') }} as i
    left join governorates as g using (province_code)
    where i.is_attack
)

select
    incident_id,
    reason,
    -- month-dated attacks in a governorate are still counted by attacks_per_province_month
    date_precision = 'month' and has_governorate as in_monthly_table,
    has_governorate,
    event_date,
    date_precision,
    event_type,
    perpetrator,
    province_code,
    location,
    killed,
    wounded,
    kidnapped,
    n_reports,
    n_sources,
    report_ids,
    evidence,
    evidence_article_id,
    first_reported_at
from classified
where reason is not null
