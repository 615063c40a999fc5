-- One row per ISO week x governorate from the first to the last week of the day/week-dated
-- incidents, zero-filled. Only attacks (is_attack) with a governorate count; a NULL casualty
-- figure adds 0 to the sums (the incident still counts as an attack).
with dated as (
    select
        {{ iso_week_start('event_date') }} as week_start,
        province_code,
        is_attack,
        killed,
        wounded
    from {{ ref('incidents') }}
    where date_precision in ('day', 'week')
        and event_date is not null
),

span as (
    select min(week_start) as first_week, max(week_start) as last_week
    from dated
    where province_code is not null
),

weeks as (
    select cast(w as date) as week_start
    from span, range(span.first_week, span.last_week + interval 7 day, interval 7 day) as t(w)
),

governorates as (
    select province_code, province_name
    from {{ ref('stg_news__provinces') }}
    where is_governorate
),

attacks as (
    select
        week_start,
        province_code,
        count(*) as attacks,
        coalesce(sum(killed), 0) as killed,
        coalesce(sum(wounded), 0) as wounded
    from dated
    where is_attack
    group by week_start, province_code
)

select
    w.week_start,
    {{ iso_week_label('w.week_start') }} as iso_week,
    g.province_code,
    g.province_name,
    cast(coalesce(a.attacks, 0) as integer) as attacks,
    cast(coalesce(a.killed, 0) as integer) as killed,
    cast(coalesce(a.wounded, 0) as integer) as wounded
from weeks as w
cross join governorates as g
left join attacks as a
    on a.week_start = w.week_start
    and a.province_code = g.province_code
order by w.week_start, g.province_code
