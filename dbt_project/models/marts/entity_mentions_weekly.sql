-- One row per entity x ISO week of the publishing date. Mentions in articles with no known
-- publication date have no week and are left out (they remain in staging mentions).
with mentions as (
    select
        m.entity_name,
        m.entity_type,
        m.article_id,
        {{ iso_week_start('a.published_at') }} as week_start
    from {{ ref('stg_news__mentions') }} as m
    inner join {{ ref('stg_news__articles') }} as a using (article_id)
    where a.published_at is not null
        and m.entity_name is not null
)

select
    entity_name,
    entity_type,
    week_start,
    {{ iso_week_label('week_start') }} as iso_week,
    count(*) as mentions,
    count(distinct article_id) as articles
from mentions
group by entity_name, entity_type, week_start
