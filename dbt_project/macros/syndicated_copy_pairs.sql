{#-
  `same_evidence_text` links without the quadratic self-join. Defines `copy_pairs`
  (report_a < report_b), the links for reports of different articles with the same normalised
  evidence and `match_columns` (event family or type), whose `group_columns` (province,
  counts) pass `compatible`, an SQL condition on the two groups `g1` and `g2`.

  A sentence repeated by many outlets (boilerplate, a wire story) would otherwise give every
  pair of its k copies a link: 10M links for one sentence told 14k times. Copies that agree on
  every column the rule reads are interchangeable, so each such group is a star around its
  smallest report_id (members of that report's article hang on the group's smallest report of
  another article), and two groups of the same sentence are linked once, by their smallest
  reports, when they are compatible and hold a pair of reports from different articles. The
  connected components are exactly those of the all-pairs rule; only the audit trail
  (linked_report_ids) names the first copy instead of every copy.

  Copies must also tell the same moment (`copy_window`). A sentence that carries its own date
  is pinned by it, so copies match on the resolved date and precision ("on Tuesday" published
  two weeks apart is two events). An undated sentence is only as close in time as its
  articles: it matches copies published within `syndication_window_days` of the first copy of
  its window. The windows are anchored at the earliest publication of the sentence and do not
  chain, so boilerplate repeated all year ("a delegation is set to visit Erbil") is one event
  per window, not one event for the year; copies of an article without a publication date
  share one window.
-#}
{% macro syndicated_copy_pairs(match_columns, group_columns, compatible) %}
{%- set window_days = var('syndication_window_days') %}
copy_windows as materialized (
    select
        report_id,
        article_id,
        evidence_normalised,
        {%- for col in match_columns + group_columns %}
        {{ col }},
        {%- endfor %}
        case
            when event_date is not null then date_precision || ' ' || cast(event_date as varchar)
            else 'published ' || coalesce(cast(
                date_diff('day', min(published_at) over same_sentence, published_at) // {{ window_days }}
                as varchar), 'unknown')
        end as copy_window
    from reports
    where evidence_normalised is not null
    window same_sentence as (
        partition by evidence_normalised
        {%- for col in match_columns %}, {{ col }}{% endfor %}
    )
),

{%- set match_columns = match_columns + ['copy_window'] %}

text_copies as materialized (
    select
        report_id,
        article_id,
        min(report_id) over copy_group as group_id,
        arg_min(article_id, report_id) over copy_group as group_article_id
    from copy_windows
    window copy_group as (
        partition by evidence_normalised
        {%- for col in match_columns + group_columns %}, {{ col }}{% endfor %}
    )
),

text_groups as materialized (
    select
        c.group_id,
        min(c.report_id) filter (where c.article_id <> c.group_article_id) as other_article_report_id,
        count(distinct c.article_id) as n_articles,
        min(c.article_id) as any_article_id,
        any_value(r.evidence_normalised) as evidence_normalised
        {%- for col in match_columns + group_columns %},
        any_value(r.{{ col }}) as {{ col }}
        {%- endfor %}
    from text_copies as c
    inner join copy_windows as r on r.report_id = c.group_id
    group by c.group_id
),

copy_pairs as materialized (
    -- each copy to the first copy of another article
    select distinct least(report_id, target_id) as report_a, greatest(report_id, target_id) as report_b
    from (
        select
            c.report_id,
            case when c.article_id <> c.group_article_id then c.group_id
                 else g.other_article_report_id end as target_id
        from text_copies as c
        inner join text_groups as g using (group_id)
    ) as t
    where target_id is not null and target_id <> report_id
    union
    -- two groups of one sentence whose columns are compatible
    select g1.group_id, g2.group_id
    from text_groups as g1
    inner join text_groups as g2
        on g1.evidence_normalised = g2.evidence_normalised
        {%- for col in match_columns %}
        and g1.{{ col }} = g2.{{ col }}
        {%- endfor %}
        and g1.group_id < g2.group_id
    where (g1.n_articles > 1 or g2.n_articles > 1 or g1.any_article_id <> g2.any_article_id)
        and {{ compatible }}
)
{% endmacro %}
