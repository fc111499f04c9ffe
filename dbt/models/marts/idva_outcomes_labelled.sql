-- The published IDVA outcome table (dv_outcomes_publishable: small numbers suppressed) with
-- the printed labels of its codes and their order, from the seed idva_labels that the report
-- reads too.
with outcomes as (
    select * from {{ ref('dv_outcomes_publishable') }}
),

labels as (
    select * from {{ ref('idva_labels') }}
),

abuse_type_labels as (
    select
        code,
        display_order,
        label
    from labels
    where category = 'abuse_type'
),

outcome_labels as (
    select
        code,
        display_order,
        label
    from labels
    where category = 'outcome'
),

final as (
    select
        abuse_type_labels.display_order as abuse_type_order,
        outcomes.abuse_type,
        abuse_type_labels.label as abuse_type_label,
        outcome_labels.display_order as outcome_order,
        outcomes.outcome,
        outcome_labels.label as outcome_label,
        outcomes.cases,
        outcomes.total_cases,
        outcomes.pct,
        outcomes.cessation_or_significant_pct,
        outcomes.is_suppressed
    from outcomes
    left join abuse_type_labels
        on outcomes.abuse_type = abuse_type_labels.code
    left join outcome_labels
        on outcomes.outcome = outcome_labels.code
)

select * from final
