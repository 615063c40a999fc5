-- Groups incident reports that tell the same real-world incident and gives each group one
-- incident_id. The matching rule is documented in _intermediate__models.yml.
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
        {{ compass_points('r.location') }} as compass_points
    from {{ ref('stg_news__incident_reports') }} as r
    left join {{ ref('stg_news__articles') }} as a using (article_id)
),

-- Blocking: candidate pairs come only from equi-joins on keys every matching pair shares
-- (see matched_pairs), so the work grows with the pairs that can match, not with the square
-- of a province's reports. Any pair the rule accepts is produced by one of these joins.
dated as (
    select report_id, province_code, event_family, date_precision, event_date, period_start
    from reports
    where period_start is not null and province_code is not null
),

-- adjacent_day_same_toll, same_period and period_contains need a stated count above zero to
-- agree, or (not adjacent_day) the location: one row per such fact of a dated report
dated_agreements as (
    select d.*, 'killed:' || r.killed as agreement
    from dated as d inner join reports as r using (report_id) where r.killed > 0
    union all
    select d.*, 'wounded:' || r.wounded
    from dated as d inner join reports as r using (report_id) where r.wounded > 0
    union all
    select d.*, 'kidnapped:' || r.kidnapped
    from dated as d inner join reports as r using (report_id) where r.kidnapped > 0
    union all
    select d.*, 'location:' || lower(r.location)
    from dated as d inner join reports as r using (report_id) where r.location is not null
),

-- same_day blocks: a province, event family and day, with the number of distinct evidence
-- texts told about it (syndicated copies of one sentence count once)
day_blocks as (
    select province_code, event_family, event_date, count(distinct evidence_normalised) as n_texts
    from reports
    where date_precision = 'day' and province_code is not null
    group by province_code, event_family, event_date
),

-- the calendar period of each coarser precision that holds a report's period start: a
-- coarser report contains this one only if its own period starts there
containing_periods as (
    select d.*, p.precision as coarser_precision,
        {{ period_start('d.period_start', 'p.precision') }} as coarser_period_start
    from dated_agreements as d
    inner join (values ('week', 2), ('month', 3), ('year', 4)) as p (precision, rank)
        on p.rank > {{ precision_rank('d.date_precision') }}
),

-- same_evidence_text (see the macro: linear in the copies of a sentence)
{{ syndicated_copy_pairs(
    match_columns=['event_family'],
    group_columns=['province_code', 'killed', 'wounded', 'kidnapped'],
    compatible="(g1.province_code is null or g2.province_code is null or g1.province_code = g2.province_code)
        and " ~ counts_compatible('g1.killed', 'g2.killed') ~ "
        and " ~ counts_compatible('g1.wounded', 'g2.wounded') ~ "
        and " ~ counts_compatible('g1.kidnapped', 'g2.kidnapped')) }},

pair_keys as (
    -- same_day
    select a.report_id as report_a, b.report_id as report_b
    from dated as a
    inner join dated as b
        on a.province_code = b.province_code
        and a.event_family = b.event_family
        and a.event_date = b.event_date
        and a.report_id < b.report_id
    where a.date_precision = 'day' and b.date_precision = 'day'
    union
    -- same_period
    select a.report_id, b.report_id
    from dated_agreements as a
    inner join dated_agreements as b
        on a.province_code = b.province_code
        and a.event_family = b.event_family
        and a.date_precision = b.date_precision
        and a.event_date = b.event_date
        and a.agreement = b.agreement
        and a.report_id < b.report_id
    where a.date_precision <> 'day'
    union
    -- adjacent_day_same_toll
    select least(a.report_id, b.report_id), greatest(a.report_id, b.report_id)
    from dated_agreements as a
    inner join dated_agreements as b
        on a.province_code = b.province_code
        and a.event_family = b.event_family
        and a.event_date + 1 = b.event_date
        and a.agreement = b.agreement
    where a.date_precision = 'day' and b.date_precision = 'day'
        and a.agreement not like 'location:%'
    union
    -- period_contains
    select least(c.report_id, f.report_id), greatest(c.report_id, f.report_id)
    from dated_agreements as c
    inner join containing_periods as f
        on c.province_code = f.province_code
        and c.event_family = f.event_family
        and c.date_precision = f.coarser_precision
        and c.period_start = f.coarser_period_start
        and c.agreement = f.agreement
),

candidate_pairs as (
    select
        a.report_id as report_a,
        b.report_id as report_b,
        a.article_id <> b.article_id as across_articles,
        a.article_id = b.article_id and a.char_start <> b.char_start as other_sentence_same_article,
        a.evidence_key = b.evidence_key as same_text,
        a.event_family = b.event_family as same_family,
        a.event_type = b.event_type as same_type,
        a.province_code = b.province_code as same_province,
        a.province_code is null or b.province_code is null or a.province_code = b.province_code
            as province_compatible,
        -- a shared province name ("Diyala province") places nothing; a shared town or area does
        coalesce(lower(a.location) = lower(b.location) and coalesce(a.geo_precision, 0) < 3, false)
            as same_location,
        lower(a.location) is not distinct from lower(b.location) as location_not_distinct,
        {{ counts_compatible('a.killed', 'b.killed') }}
            and {{ counts_compatible('a.wounded', 'b.wounded') }}
            and {{ counts_compatible('a.kidnapped', 'b.kidnapped') }} as counts_compatible,
        -- "no casualties" is what most small attacks share, so an agreeing zero is no sign
        -- that two reports tell the same one
        coalesce(a.killed = b.killed and a.killed > 0, false)
            or coalesce(a.wounded = b.wounded and a.wounded > 0, false)
            or coalesce(a.kidnapped = b.kidnapped and a.kidnapped > 0, false) as a_count_agrees,
        -- "two killed in Sinjar" and "two killed in Mosul" are two attacks: both name a town,
        -- base, landmark or district, and neither name holds the other ("Zaghniya police
        -- station" does hold "Zaghniya", "Dhuluiya area" "Dhuluiya")
        coalesce(a.geo_precision <= 2 and b.geo_precision <= 2
                 and strpos(lower(a.location), lower(b.location)) = 0
                 and strpos(lower(b.location), lower(a.location)) = 0, false)
            -- "northern Kirkuk" and "southern Kirkuk" are different places, "northeastern" and
            -- "eastern" may be one
            or coalesce(len(a.compass_points) > 0 and len(b.compass_points) > 0
                        and not list_has_any(a.compass_points, b.compass_points), false) as places_differ,
        -- an attack on a police checkpoint and one on shepherds are two attacks, and so are
        -- one on the Peshmerga and one on the PMF, whatever the counts and dates share (GTD's
        -- target types, then the named targets; `unknown` or none conflicts with nothing)
        coalesce(a.target_type <> 'unknown' and b.target_type <> 'unknown' and a.target_type <> b.target_type, false)
            or coalesce(len(a.target) > 0 and len(b.target) > 0 and not list_has_any(a.target, b.target), false)
            as targets_differ,
        -- coalition warplanes and Iraqi F-16s, or Peshmerga and the CTS, are two operations;
        -- a perpetrator taken from the article's context, not the sentence, decides nothing
        coalesce(a.perpetrator <> 'unknown' and b.perpetrator <> 'unknown'
                 and a.perpetrator_basis <> 'attributed' and b.perpetrator_basis <> 'attributed'
                 and a.perpetrator <> b.perpetrator, false) as perpetrators_differ,
        a.date_precision = 'day' and b.date_precision = 'day' as both_day,
        a.date_precision = b.date_precision as same_precision,
        a.event_date = b.event_date as same_date,
        abs(a.event_date - b.event_date) = 1 as one_day_apart,
        a.period_start is not null and b.period_start is not null as both_dated,
        coalesce(blk.n_texts, 0) <= 2 as lone_pair,
        (a.period_start <= b.period_start and a.period_end >= b.period_end)
            or (b.period_start <= a.period_start and b.period_end >= a.period_end) as periods_nest
    from pair_keys as k
    inner join reports as a on a.report_id = k.report_a
    inner join reports as b on b.report_id = k.report_b
    left join day_blocks as blk
        on blk.province_code = a.province_code
        and blk.event_family = a.event_family
        and blk.event_date = a.event_date
        and a.date_precision = 'day'
),

matched_pairs as materialized (
    select report_a, report_b, 'same_evidence_text' as match_rule
    from copy_pairs
    union
    select
        report_a,
        report_b,
        case
            when across_articles and same_text and same_family and province_compatible
                and counts_compatible
                then 'same_evidence_text'
            when same_province and same_family and counts_compatible and both_dated
                and not places_differ and not targets_differ and not perpetrators_differ
                and (across_articles or (other_sentence_same_article and same_type and location_not_distinct))
                then case
                    -- across articles, one day in a busy province holds several attacks:
                    -- compatible counts are not enough unless the day holds only these two
                    when both_day and same_date
                        and (not across_articles or a_count_agrees
                             or (same_type and (same_location or lone_pair)))
                        then 'same_day'
                    -- a date that differs is already a doubt: the type must agree as well
                    when both_day and one_day_apart and a_count_agrees and same_type
                        then 'adjacent_day_same_toll'
                    -- so is a date known only to the week, month or year
                    when not both_day and same_precision and same_date and same_type
                        and (a_count_agrees or same_location)
                        then 'same_period'
                    when not same_precision and periods_nest and same_type
                        and (a_count_agrees or same_location)
                        then 'period_contains'
                end
        end as match_rule
    from candidate_pairs
),

strong_edges as materialized (
    select report_a as report_id, report_b as linked_report_id
    from matched_pairs where match_rule in ('same_evidence_text', 'same_day', 'adjacent_day_same_toll', 'same_period')
    union all
    select report_b, report_a
    from matched_pairs where match_rule in ('same_evidence_text', 'same_day', 'adjacent_day_same_toll', 'same_period')
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
    key_columns=['r.province_code', 'r.event_family', 'r.event_date', 'r.date_precision',
                 'r.killed', 'r.wounded', 'r.kidnapped', 'lower(r.location)'],
    count_columns=['killed', 'wounded', 'kidnapped']) }},

links as (
    select
        report_id,
        list_sort(list(distinct linked_report_id)) as linked_report_ids,
        list_sort(list(distinct match_rule)) as match_rules
    from edges
    group by report_id
)

select
    left(sha256('incident:' || c.cluster_root_report_id), 16) as incident_id,
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
    r.event_date,
    r.date_precision,
    r.event_type,
    r.event_family,
    r.is_attack,
    r.perpetrator,
    r.perpetrator_basis,
    r.target,
    r.target_type,
    r.province_code,
    r.location,
    r.geo_precision,
    r.killed,
    r.wounded,
    r.kidnapped,
    coalesce(l.linked_report_ids, cast([] as varchar[])) as linked_report_ids,
    coalesce(l.match_rules, cast([] as varchar[])) as match_rules
from reports as r
inner join final_clusters as c using (report_id)
left join links as l using (report_id)
