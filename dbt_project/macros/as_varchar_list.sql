{#- Multi-valued fields reach staging as VARCHAR[] (participants, organisations,
    room_provinces) or as one '; '-joined VARCHAR (incident_reports.target). Staging always
    hands a VARCHAR[] downstream, trimmed and without empty items, so unions and unnests need
    no special case; the column type is looked up in the warehouse, not assumed. -#}
{% macro as_varchar_list(relation, column_name) -%}
    {%- set ns = namespace(is_list=true) -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) -%}
            {%- if col.name | lower == column_name | lower -%}
                {%- set ns.is_list = col.dtype.endswith('[]') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if ns.is_list -%}
        coalesce(list_filter(list_transform(cast({{ column_name }} as varchar[]), lambda x: trim(x)),
                             lambda x: coalesce(x, '') <> ''), cast([] as varchar[]))
    {%- else -%}
        coalesce(list_filter(list_transform(string_split(cast({{ column_name }} as varchar), ';'), lambda x: trim(x)),
                             lambda x: coalesce(x, '') <> ''), cast([] as varchar[]))
    {%- endif -%}
{%- endmacro %}
