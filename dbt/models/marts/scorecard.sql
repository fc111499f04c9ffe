-- The "at a glance" scorecard (Figure A) in long format: one row per section x metric x
-- breakdown, the union of the intermediate models that each produce scorecard rows.
with spell_metrics as (
    select * from {{ ref('int_scorecard_spell_metrics') }}
),

statistics as (
    select * from {{ ref('int_scorecard_statistics') }}
),

dv_metrics as (
    select * from {{ ref('int_scorecard_dv_metrics') }}
),

all_rows as (
    select * from spell_metrics
    union all by name
    select * from statistics
    union all by name
    select * from dv_metrics
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
