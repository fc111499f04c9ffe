-- Scorecard rows of the Significance section computed by the Python asset
-- scoring/scorecard_statistics (paired tests, effect sizes, Hodges-Lehmann shifts), read
-- through stg_scorecard_statistics.
with statistics as (
    select * from {{ ref('stg_scorecard_statistics') }}
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
        unit
    from statistics
)

select * from final
