{#-
  CTEs that turn pairwise links into clusters without letting a coarse report bridge
  distinct incidents. Expects CTEs `reports` (report_id, date_precision), `strong_edges`
  (report_id, linked_report_id; both directions) and `weak_pairs` (report_a, report_b) and
  defines `final_clusters` (report_id, cluster_root_report_id).

  1. Strong links (same evidence text; same precision and same period) form connected
     components.
  2. A component's level is its finest date precision (day 1 .. year 4, undated 5).
  3. Weak links (a coarser period containing a finer one) attach a coarser component to a
     finer one only when exactly one finer cluster is linked; level by level (week, month,
     year), so "in April, one soldier was killed" joins the one matching April attack, and
     stays alone when two April attacks would match. Finer components are never merged with
     each other through a coarse report.
-#}
{% macro resolve_clusters() %}
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

components as (
    select report_id, component_id from component_labels
),

component_levels as (
    select c.component_id, min({{ precision_rank('r.date_precision') }}) as level
    from components as c
    inner join reports as r using (report_id)
    group by c.component_id
),

weak_component_links as (
    -- directed from the coarser component to the finer one
    select distinct
        case when la.level > lb.level then ca.component_id else cb.component_id end as coarse_id,
        case when la.level > lb.level then cb.component_id else ca.component_id end as fine_id,
        greatest(la.level, lb.level) as coarse_level
    from weak_pairs as w
    inner join components as ca on ca.report_id = w.report_a
    inner join components as cb on cb.report_id = w.report_b
    inner join component_levels as la on la.component_id = ca.component_id
    inner join component_levels as lb on lb.component_id = cb.component_id
    where ca.component_id <> cb.component_id
        and la.level <> lb.level
        and greatest(la.level, lb.level) <= 4
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
