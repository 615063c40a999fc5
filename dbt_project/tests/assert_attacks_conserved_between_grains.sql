-- Every attack in marts.incidents is either counted once in the weekly table or listed in
-- undated_incidents: the grains never lose or double-count an incident.
with totals as (
    select
        (select count(*) from {{ ref('incidents') }} where is_attack) as attacks_in_incidents,
        (select coalesce(sum(attacks), 0) from {{ ref('attacks_per_province_week') }}) as attacks_in_weeks,
        (select count(*) from {{ ref('undated_incidents') }}) as attacks_left_out
)
select *
from totals
where attacks_in_incidents <> attacks_in_weeks + attacks_left_out
