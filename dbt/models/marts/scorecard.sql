-- The "at a glance" scorecard (Figure A) in long format: one row per section x metric x
-- breakdown, the union of the intermediate models that each produce scorecard rows (all in
-- the same column order).
{%- set sections = [
    'int_scorecard_process_metrics',
    'int_scorecard_recidivism_metrics',
    'int_scorecard_entry_exit_metrics',
    'int_scorecard_cohort_metrics',
    'int_scorecard_reduction_metrics',
    'int_scorecard_modal_bands',
    'int_scorecard_custody_caveat',
    'int_scorecard_statistics',
    'int_scorecard_dv_metrics',
] %}

with all_rows as (
    {%- for section in sections %}
    select
        section,
        metric,
        breakdown,
        value,
        value_label,
        numerator,
        denominator,
        unit
    from {{ ref(section) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        section,
        metric,
        breakdown,
        value,
        value_label,
        numerator,
        denominator,
        unit,
        {{ as_of_date() }} as as_of
    from all_rows
)

select * from final
