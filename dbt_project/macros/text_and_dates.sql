{#- Evidence text as syndicated copies share it: case, punctuation, typographic quotes and
    spacing differ between outlets that repost the same wire sentence. -#}
{% macro normalised_text(expr) -%}
    nullif(trim(regexp_replace(lower({{ expr }}), '[^a-z0-9]+', ' ', 'g')), '')
{%- endmacro %}

{#- 1 = most precise. Used to pick the best-dated report of a cluster. -#}
{% macro precision_rank(expr) -%}
    case {{ expr }}
        when 'day' then 1
        when 'week' then 2
        when 'month' then 3
        when 'year' then 4
        else 5
    end
{%- endmacro %}

{#- ISO 8601 week: Monday start; the ISO year is the year of the week's Thursday, so
    2021-01-03 belongs to 2020-W53. -#}
{% macro iso_week_start(expr) -%}
    cast(date_trunc('week', {{ expr }}) as date)
{%- endmacro %}

{% macro iso_week_label(expr) -%}
    (cast(isoyear({{ expr }}) as varchar) || '-W' || lpad(cast(week({{ expr }}) as varchar), 2, '0'))
{%- endmacro %}

{#- The first and last day an (event_date, date_precision) pair can stand for. -#}
{% macro period_start(date_expr, precision_expr) -%}
    case {{ precision_expr }}
        when 'day' then {{ date_expr }}
        when 'week' then cast(date_trunc('week', {{ date_expr }}) as date)
        when 'month' then cast(date_trunc('month', {{ date_expr }}) as date)
        when 'year' then cast(date_trunc('year', {{ date_expr }}) as date)
    end
{%- endmacro %}

{% macro period_end(date_expr, precision_expr) -%}
    case {{ precision_expr }}
        when 'day' then {{ date_expr }}
        when 'week' then cast(date_trunc('week', {{ date_expr }}) + interval 6 day as date)
        when 'month' then cast(date_trunc('month', {{ date_expr }}) + interval 1 month - interval 1 day as date)
        when 'year' then cast(date_trunc('year', {{ date_expr }}) + interval 1 year - interval 1 day as date)
    end
{%- endmacro %}

{#- Two casualty figures for one incident are compatible when either is unstated, they are
    equal, or the smaller is at least half the larger (early and later tolls of one attack). -#}
{% macro counts_compatible(a, b) -%}
    ({{ a }} is null or {{ b }} is null or {{ a }} = {{ b }}
     or least({{ a }}, {{ b }}) * 2 >= greatest({{ a }}, {{ b }}))
{%- endmacro %}

{#- The compass points a location opens with ("northeastern Diyala" -> [north, east]; "central
    Anbar" -> [central]); empty when it names no direction. -#}
{% macro compass_points(location) -%}
list_filter(['north', 'south', 'east', 'west', 'central'],
            lambda point: strpos(regexp_extract(lower({{ location }}), '^(?:[a-z]+ern|central)\b'), point) > 0)
{%- endmacro %}
