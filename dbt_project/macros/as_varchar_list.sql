{#- The Python side may store a multi-valued field either as VARCHAR[] or as one VARCHAR
    (for instance `target`). Staging always hands a VARCHAR[] downstream; a scalar becomes a
    one-element list and NULL or '' an empty list, so unions and unnests need no special case. -#}
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
        coalesce(list_filter(cast({{ column_name }} as varchar[]), lambda x: nullif(trim(x), '') is not null), [])
    {%- else -%}
        case when nullif(trim(cast({{ column_name }} as varchar)), '') is null then cast([] as varchar[])
             else [trim(cast({{ column_name }} as varchar))] end
    {%- endif -%}
{%- endmacro %}
