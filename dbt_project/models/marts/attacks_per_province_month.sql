-- One row per calendar month x governorate, zero-filled over the span of the dated incidents.
-- Counts day-, week- and month-dated attacks; a week-dated incident falls in the month of its
-- Thursday (the ISO rule that also decides the week's year).
with dated as (
    select
        cast(date_trunc('month', case when date_precision = 'week'
                                      then event_date + interval 3 day
                                      else event_date end) as date) as month_start,
        province_code,
        is_attack,
        killed,
        wounded
    from {{ ref('incidents') }}
    where date_precision in ('day', 'week', 'month')
        and event_date is not null
),

span as (
    select min(month_start) as first_month, max(month_start) as last_month
    from dated
    where province_code is not null
),

months as (
    select cast(m as date) as month_start
    from span, range(span.first_month, span.last_month + interval 1 month, interval 1 month) as t(m)
),

governorates as (
    select province_code, province_name
    from {{ ref('stg_news__provinces') }}
    where is_governorate
),

attacks as (
    select
        month_start,
        province_code,
        count(*) as attacks,
        coalesce(sum(killed), 0) as killed,
        coalesce(sum(wounded), 0) as wounded
    from dated
    where is_attack
    group by month_start, province_code
)

select
    m.month_start,
    strftime(m.month_start, '%Y-%m') as month,
    g.province_code,
    g.province_name,
    cast(coalesce(a.attacks, 0) as integer) as attacks,
    cast(coalesce(a.killed, 0) as integer) as killed,
    cast(coalesce(a.wounded, 0) as integer) as wounded
from months as m
cross join governorates as g
left join attacks as a
    on a.month_start = m.month_start
    and a.province_code = g.province_code
order by m.month_start, g.province_code
