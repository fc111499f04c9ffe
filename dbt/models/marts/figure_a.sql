-- Figure A as printed: one row per scorecard metric x breakdown, in the order of the figure,
-- with its label and the text `iom scorecard` shows for it. The display text is written by
-- the presentation layer's formatter (presentation/format.py), which dbt calls as the SQL
-- function scorecard_display_text (presentation/sql_functions.py): one definition.
with labelled as (
    select * from {{ ref('scorecard_labelled') }}
),

final as (
    select
        display_order,
        section,
        section_title,
        metric,
        label,
        breakdown,
        value,
        value_label,
        numerator,
        denominator,
        unit,
        counted,
        scorecard_display_text(
            unit, value, value_label, numerator, denominator, counted
        ) as display_text,
        as_of
    from labelled
)

select * from final
