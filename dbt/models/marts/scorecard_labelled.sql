-- The scorecard with each metric's label, order and definition from the scorecard_metrics
-- seed, so analysts' SQL shows the same wording as `iom scorecard` and the report.
with scorecard as (
    select * from {{ ref('scorecard') }}
),

metrics as (
    select * from {{ ref('scorecard_metrics') }}
),

final as (
    select
        scorecard.section,
        metrics.section_title,
        metrics.display_order,
        scorecard.metric,
        metrics.label,
        scorecard.breakdown,
        scorecard.value,
        scorecard.value_label,
        scorecard.numerator,
        scorecard.denominator,
        scorecard.unit,
        metrics.counted,
        metrics.description,
        scorecard.as_of
    from scorecard
    left join metrics
        on scorecard.metric = metrics.metric
)

select * from final
