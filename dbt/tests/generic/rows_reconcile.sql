{#- Nothing is lost in ingestion: every row in is either loaded or quarantined. -#}
{% test rows_reconcile(model) %}
select *
from {{ model }}
where rows_in != rows_loaded + rows_quarantined
{% endtest %}
