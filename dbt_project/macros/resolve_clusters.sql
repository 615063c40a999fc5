{#-
  CTEs that turn pairwise links into clusters in which every report is compatible with every
  other, so that neither a chain of links nor a coarse report can bridge distinct events.
  Expects CTEs `reports` (report_id, article_id, char_start, event_type, location,
  province_code, event_date, date_precision, plus `count_columns` and `key_columns`),
  `strong_edges` (report_id, linked_report_id; both directions) and `weak_pairs`
  (report_a, report_b), and defines `final_clusters` (report_id, cluster_root_report_id).

  1. Strong links (same evidence text; same day or period with agreeing facts) form connected
     components.
  2. A component is kept whole only if it is consistent: one province at most, day-dated
     reports within one day of each other, one date per coarser precision, every stated count
     within 2x of every other (max <= 2 * min), and one article contributes reports from
     different sentences with one event_type and one location only (the same-article rule).
     Consistency is checked on aggregates, so a component of any size costs one pass.
  3. An inconsistent component (a chain of links through distinct events) is split into the
     groups of its reports that agree exactly on `key_columns` (date, province, counts,
     location ...), which are consistent by construction; a group that still breaks the
     article rule falls apart into single reports. Ids stay the smallest report_id of each
     cluster, so they depend on the set of reports, not on the order they are read in.
  4. A cluster's level is its finest date precision (day 1 .. year 4, undated 5).
  5. Weak links (a coarser period containing a finer one) attach a coarser cluster to a
     finer one only when exactly one finer cluster is linked and the union stays consistent
     in its counts; level by level (week, month, year), so "in April, one soldier was killed"
     joins the one matching April attack, and stays alone when two April attacks would match.
-#}
{% macro resolve_clusters(key_columns, count_columns=[]) %}
-- Connected components without a transitive closure. Every report first points at its
-- representative, the smallest id among itself and its strong neighbours; rewiring each edge
-- (a, b) to (representative of a, b) keeps the components but collapses the large cliques
-- syndicated copies make into stars. On that graph, min-label propagation: USING KEY keeps
-- one current label per report, so each round only touches reports whose label dropped, and
-- the work is the edges times the component diameter instead of all pairs of a closure.
representatives as materialized (
    select r.report_id, least(r.report_id, min(e.linked_report_id)) as representative_id
    from reports as r
    left join strong_edges as e using (report_id)
    group by r.report_id
),

-- (representative of a, b) for every strong edge (a, b), plus (a, representative of a):
-- a path a - b becomes a - representative(a) - b, so the components are unchanged
representative_edges as materialized (
    select distinct r.representative_id as report_id, e.linked_report_id
    from strong_edges as e
    inner join representatives as r using (report_id)
    where r.representative_id <> e.linked_report_id
),

propagation_edges as materialized (
    select report_id, linked_report_id from representative_edges
    union
    select linked_report_id, report_id from representative_edges
    union
    select report_id, representative_id from representatives where report_id <> representative_id
    union
    select representative_id, report_id from representatives where report_id <> representative_id
),

component_labels (report_id, component_id) using key (report_id) as (
    select report_id, report_id from reports
    union
    select e.linked_report_id, min(l.component_id)
    from component_labels as l
    inner join propagation_edges as e on e.report_id = l.report_id
    inner join recurring.component_labels as current_label
        on current_label.report_id = e.linked_report_id
    group by e.linked_report_id
    having min(l.component_id) < min(current_label.component_id)
),

connected as (
    select report_id, component_id from component_labels
),

-- per component: does it hold two reports that cannot be one event?
component_checks as (
    select
        c.component_id,
        count(distinct r.province_code) <= 1
        and coalesce(max(r.event_date) filter (where r.date_precision = 'day')
                     - min(r.event_date) filter (where r.date_precision = 'day') <= 1, true)
        and count(distinct r.event_date) filter (where r.date_precision = 'week') <= 1
        and count(distinct r.event_date) filter (where r.date_precision = 'month') <= 1
        and count(distinct r.event_date) filter (where r.date_precision = 'year') <= 1
        {%- for col in count_columns %}
        and coalesce(max(r.{{ col }}) <= 2 * min(r.{{ col }}), true)
        {%- endfor %}
            as counts_and_dates_agree
    from connected as c
    inner join reports as r using (report_id)
    group by c.component_id
),

-- the same-article rule, over a whole cluster: reports of one article come from different
-- sentences and share one event_type and one location (NULL counting as a value)
article_conflicts as (
    select distinct c.component_id
    from connected as c
    inner join reports as r using (report_id)
    group by c.component_id, r.article_id
    having count(*) > count(distinct r.char_start)
        or count(distinct r.event_type) > 1
        or count(distinct coalesce(lower(r.location), chr(0))) > 1
),

consistent_components as (
    select component_id
    from component_checks
    where counts_and_dates_agree
        and component_id not in (select component_id from article_conflicts)
),

-- reports of an inconsistent component, grouped by exact agreement on the key columns
key_groups as materialized (
    select
        c.report_id,
        r.article_id,
        r.char_start,
        r.event_type,
        r.location,
        min(c.report_id) over (
            partition by c.component_id
            {%- for col in key_columns %}, {{ col }}{% endfor %}
        ) as group_id
    from connected as c
    inner join reports as r using (report_id)
    where c.component_id not in (select component_id from consistent_components)
),

group_conflicts as (
    select distinct group_id
    from key_groups
    group by group_id, article_id
    having count(*) > count(distinct char_start)
        or count(distinct event_type) > 1
        or count(distinct coalesce(lower(location), chr(0))) > 1
),

components as materialized (
    select c.report_id, c.component_id
    from connected as c
    where c.component_id in (select component_id from consistent_components)
    union all
    select
        report_id,
        case when group_id in (select group_id from group_conflicts) then report_id else group_id end
    from key_groups
),

component_levels as materialized (
    select
        c.component_id,
        min({{ precision_rank('r.date_precision') }}) as level
        {%- for col in count_columns %},
        min(r.{{ col }}) as min_{{ col }},
        max(r.{{ col }}) as max_{{ col }}
        {%- endfor %}
    from components as c
    inner join reports as r using (report_id)
    group by c.component_id
),

-- the clusters each weak pair connects, one join at a time: given the whole join at once,
-- the planner crosses the cluster tables first (a nested loop over all pairs of clusters)
weak_pairs_a as materialized (
    select ca.component_id as a_id, w.report_b
    from weak_pairs as w
    inner join components as ca on ca.report_id = w.report_a
),

weak_cluster_pairs as materialized (
    select distinct w.a_id, cb.component_id as b_id
    from weak_pairs_a as w
    inner join components as cb on cb.report_id = w.report_b
    where w.a_id <> cb.component_id
),

weak_pairs_with_a as materialized (
    select p.a_id, p.b_id, la.*
    from weak_cluster_pairs as p
    inner join component_levels as la on la.component_id = p.a_id
),

weak_component_links as materialized (
    -- directed from the coarser component to the finer one
    select distinct
        case when la.level > lb.level then la.a_id else la.b_id end as coarse_id,
        case when la.level > lb.level then la.b_id else la.a_id end as fine_id,
        greatest(la.level, lb.level) as coarse_level
    from weak_pairs_with_a as la
    inner join component_levels as lb on lb.component_id = la.b_id
    where la.level <> lb.level
        and greatest(la.level, lb.level) <= 4
        -- the coarser report must fit every report of the finer cluster, not just its partner
        {%- for col in count_columns %}
        and coalesce(greatest(la.max_{{ col }}, lb.max_{{ col }})
                     <= 2 * least(la.min_{{ col }}, lb.min_{{ col }}), true)
        {%- endfor %}
),

resolved_week as (
    select
        l.component_id,
        coalesce(
            case when l.level = 2 then (
                select case when count(distinct w.fine_id) = 1 then min(w.fine_id) end
                from weak_component_links as w
                where w.coarse_id = l.component_id
            ) end,
            l.component_id
        ) as root_id,
        l.level
    from component_levels as l
),

resolved_month as (
    select
        l.component_id,
        coalesce(
            case when l.level = 3 then (
                select case when count(distinct f.root_id) = 1 then min(f.root_id) end
                from weak_component_links as w
                inner join resolved_week as f on f.component_id = w.fine_id
                where w.coarse_id = l.component_id
            ) end,
            l.root_id
        ) as root_id,
        l.level
    from resolved_week as l
),

resolved_year as (
    select
        l.component_id,
        coalesce(
            case when l.level = 4 then (
                select case when count(distinct f.root_id) = 1 then min(f.root_id) end
                from weak_component_links as w
                inner join resolved_month as f on f.component_id = w.fine_id
                where w.coarse_id = l.component_id
            ) end,
            l.root_id
        ) as root_id
    from resolved_month as l
),

final_clusters as (
    select
        c.report_id,
        min(c.report_id) over (partition by y.root_id) as cluster_root_report_id
    from components as c
    inner join resolved_year as y using (component_id)
)
{% endmacro %}
