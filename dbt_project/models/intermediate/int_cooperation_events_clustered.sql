-- Groups cooperation-event reports that tell the same meeting, agreement, visit or handover
-- and gives each group one cooperation_event_id. Rule documented in _intermediate__models.yml.
with recursive reports as materialized (
    select
        r.*,
        a.published_at,
        a.source_group_id,
        a.source,
        {{ period_start('r.event_date', 'r.date_precision') }} as period_start,
        {{ period_end('r.event_date', 'r.date_precision') }} as period_end,
        -- candidate pairs compare this 128-bit digest instead of the sentence: carrying the
        -- text through millions of pairs made the join spill to disk (100k articles: 30 s -> 15 s)
        md5_number(r.evidence_normalised) as evidence_key,
        -- counted once per report, so a pair's Jaccard needs only the intersection
        len(list_distinct(r.organisations)) as organisation_count
    from {{ ref('stg_news__cooperation_events') }} as r
    left join {{ ref('stg_news__articles') }} as a using (article_id)
),

-- Blocking: candidate pairs come only from equi-joins on keys every matching pair shares
-- (see matched_pairs): the event type, and either the evidence text or the date key of
-- same_period / period_contains. Provinces must be equal or one NULL, so dated pairs are
-- joined on the province, plus once for the reports without one.
dated as (
    select report_id, event_type, province_code, date_precision, event_date, period_start
    from reports
    where period_start is not null
),

-- the calendar period of each coarser precision that holds a report's period start: a
-- coarser report contains this one only if its own period starts there
containing_periods as (
    select d.*, p.precision as coarser_precision,
        {{ period_start('d.period_start', 'p.precision') }} as coarser_period_start
    from dated as d
    inner join (values ('week', 2), ('month', 3), ('year', 4)) as p (precision, rank)
        on p.rank > {{ precision_rank('d.date_precision') }}
),

-- a report's date key as itself (same_period) and as a finer period inside a coarser one
-- (period_contains, matched against the coarser report's own key)
date_keys as (
    select report_id, event_type, province_code, date_precision as key_precision,
        event_date as key_date, true as own
    from dated
    union all
    select report_id, event_type, province_code, coarser_precision, coarser_period_start, false
    from containing_periods
),

own_keys as (
    -- period_contains compares the coarser report's period start, same_period its event_date
    select report_id, event_type, province_code, key_precision, key_date from date_keys where own
    union all
    select report_id, event_type, province_code, date_precision, period_start
    from dated
    where date_precision <> 'day' and period_start <> event_date
),

-- same_evidence_text (see the macro: linear in the copies of a sentence)
{{ syndicated_copy_pairs(
    match_columns=['event_type'],
    group_columns=['province_code'],
    compatible="(g1.province_code is null or g2.province_code is null or g1.province_code = g2.province_code)") }},

pair_keys as (
    -- same_period and period_contains, same province
    select least(a.report_id, b.report_id) as report_a, greatest(a.report_id, b.report_id) as report_b
    from own_keys as a
    inner join date_keys as b
        on a.event_type = b.event_type
        and a.province_code = b.province_code
        and a.key_precision = b.key_precision
        and a.key_date = b.key_date
        and a.report_id <> b.report_id
    union
    -- same_period and period_contains, either report without a province
    select least(a.report_id, b.report_id), greatest(a.report_id, b.report_id)
    from own_keys as a
    inner join date_keys as b
        on a.event_type = b.event_type
        and a.key_precision = b.key_precision
        and a.key_date = b.key_date
        and a.report_id <> b.report_id
    where a.province_code is null or b.province_code is null
),

candidate_pairs as (
    select
        a.report_id as report_a,
        b.report_id as report_b,
        a.article_id <> b.article_id as across_articles,
        a.article_id <> b.article_id or a.char_start <> b.char_start as other_sentence,
        a.evidence_key = b.evidence_key as same_text,
        a.province_code is null or b.province_code is null or a.province_code = b.province_code
            as province_compatible,
        coalesce(lower(a.location) = lower(b.location), false) as same_location,
        a.participants as participants_a,
        b.participants as participants_b,
        a.organisations as organisations_a,
        b.organisations as organisations_b,
        a.organisation_count + b.organisation_count as organisation_counts,
        -- "A met B" and "C met D" are two meetings, and so are talks between the ministries
        -- and a meeting of the security council, whatever place and day they share
        coalesce(len(a.participants) > 0 and len(b.participants) > 0
                 and not list_has_any(a.participants, b.participants), false)
            or coalesce(len(a.organisations) > 0 and len(b.organisations) > 0
                        and not list_has_any(a.organisations, b.organisations), false) as parties_differ,
        -- a handover at Taji and one at Abu Ghraib are two handovers ("Ain al-Asad air base"
        -- and "Ain al-Asad" are one place)
        coalesce(strpos(lower(a.location), lower(b.location)) = 0
                 and strpos(lower(b.location), lower(a.location)) = 0, false) as places_differ,
        a.date_precision = 'day' and b.date_precision = 'day' as both_day,
        a.date_precision = b.date_precision as same_precision,
        a.event_date = b.event_date as same_date,
        a.period_start is not null and b.period_start is not null as both_dated,
        (a.period_start <= b.period_start and a.period_end >= b.period_end)
            or (b.period_start <= a.period_start and b.period_end >= a.period_end) as periods_nest
    from pair_keys as k
    inner join reports as a on a.report_id = k.report_a
    inner join reports as b on b.report_id = k.report_b
),

matched_pairs as materialized (
    select report_a, report_b, 'same_evidence_text' as match_rule
    from copy_pairs
    union
    select
        report_a,
        report_b,
        case
            when across_articles and same_text and province_compatible
                then 'same_evidence_text'
            -- the list comparisons come last: a CASE condition evaluates them only for the
            -- pairs the cheap conditions leave, which is what keeps this linear in practice
            when other_sentence and province_compatible and both_dated
                and ((same_precision and same_date) or (not same_precision and periods_nest))
                and not parties_differ and not places_differ
                and (
                    -- most meetings are in Erbil or Baghdad: the place identifies one only on its day
                    (same_location and both_day)
                    or list_has_any(participants_a, participants_b)
                    -- organisations: Jaccard >= 0.5, because the two ministries appear in most events.
                    -- With I the shared and |A|, |B| the distinct organisations, the union is
                    -- |A| + |B| - I, so 2I >= union is 3I >= |A| + |B| (list_intersect is distinct);
                    -- no union list is built per pair (4.8M pairs at 100k articles)
                    or (organisation_counts > 0
                        and 3 * len(list_intersect(organisations_a, organisations_b)) >= organisation_counts)
                )
                then case
                    when same_precision and same_date then 'same_period'
                    when not same_precision and periods_nest then 'period_contains'
                end
        end as match_rule
    from candidate_pairs
),

strong_edges as materialized (
    select report_a as report_id, report_b as linked_report_id
    from matched_pairs where match_rule in ('same_evidence_text', 'same_period')
    union all
    select report_b, report_a
    from matched_pairs where match_rule in ('same_evidence_text', 'same_period')
),

weak_pairs as (
    select report_a, report_b
    from matched_pairs where match_rule = 'period_contains'
),

edges as (
    select report_a as report_id, report_b as linked_report_id, match_rule
    from matched_pairs where match_rule is not null
    union all
    select report_b, report_a, match_rule
    from matched_pairs where match_rule is not null
),

{{ resolve_clusters(
    key_columns=['r.event_type', 'r.province_code', 'r.event_date', 'r.date_precision',
                 'lower(r.location)']) }},

links as (
    select
        report_id,
        list_sort(list(distinct linked_report_id)) as linked_report_ids,
        list_sort(list(distinct match_rule)) as match_rules
    from edges
    group by report_id
)

select
    left(sha256('cooperation:' || c.cluster_root_report_id), 16) as cooperation_event_id,
    c.cluster_root_report_id,
    r.report_id,
    r.article_id,
    r.source_group_id,
    r.source,
    r.published_at,
    r.char_start,
    r.char_end,
    r.sentence_idx,
    r.evidence,
    r.event_type,
    r.event_date,
    r.date_precision,
    r.participants,
    r.organisations,
    r.location,
    r.province_code,
    r.coordination_room,
    r.room_provinces,
    coalesce(l.linked_report_ids, cast([] as varchar[])) as linked_report_ids,
    coalesce(l.match_rules, cast([] as varchar[])) as match_rules
from reports as r
inner join final_clusters as c using (report_id)
left join links as l using (report_id)
