{#- Grain test for models keyed on several columns; NULL counts as a value here, so
    (event, NULL province) rows are checked too. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by all
having count(*) > 1
{% endtest %}
