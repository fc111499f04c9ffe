-- Every metric the scorecard produces has a row in the scorecard_metrics seed, with the
-- same section and unit: a metric without a label would be shown by its code.
with scorecard as (
    select distinct section, metric, unit from {{ ref('scorecard') }}
),

metrics as (
    select * from {{ ref('scorecard_metrics') }}
),

final as (
    select
        scorecard.section,
        scorecard.metric,
        scorecard.unit,
        metrics.section as seed_section,
        metrics.unit as seed_unit
    from scorecard
    left join metrics
        on scorecard.metric = metrics.metric
    where
        metrics.metric is null
        or metrics.section != scorecard.section
        or metrics.unit != scorecard.unit
)

select * from final
