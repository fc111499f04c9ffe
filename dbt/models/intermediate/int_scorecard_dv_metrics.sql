-- Scorecard rows of the Domestic Violence IOM section (dv_nominals, dv_washout_nominals,
-- dv_ppit_reduction_pct, idva_felt_safer_pct), in the scorecard's long format.
-- Every row satisfies value = numerator for a count and value = 100 * numerator / denominator
-- for a percentage.
with spells as (
    select * from {{ ref('int_spells') }}
),

ppit_pairs as (
    select * from {{ ref('int_dv_ppit_pairs') }}
),

closed_cases as (
    select * from {{ ref('int_idva_cases') }}
),

-- exit_reason is empty for a spell still open at the as-of date: WASHOUT means exited so
dv_nominal_counts as (
    select
        count(distinct nominal_key) as dv_nominals,
        {{ count_distinct_where('nominal_key', "exit_reason = 'WASHOUT'") }}
            as dv_washout_nominals
    from spells
    where scheme = 'DV'
),

ppit_means as (
    select
        avg(exit_ppit_score) - avg(baseline_ppit_score) as mean_change,
        avg(baseline_ppit_score) as mean_baseline
    from ppit_pairs
    where has_pair
),

felt_safer_counts as (
    select
        {{ count_where("felt_safer = 'Y'") }} as felt_safer_cases,
        {{ count_where("felt_safer in ('Y', 'N')") }} as asked_cases
    from closed_cases
),

metric_rows as (
    select
        'dv_nominals' as metric,
        {{ dbt.cast('dv_nominals', type_double()) }} as numerator,
        {{ dbt.cast('null', type_double()) }} as denominator,
        'count' as unit
    from dv_nominal_counts
    union all
    select
        'dv_washout_nominals' as metric,
        {{ dbt.cast('dv_washout_nominals', type_double()) }} as numerator,
        null as denominator,
        'count' as unit
    from dv_nominal_counts
    union all
    -- numerator: mean exit - mean baseline; denominator: mean baseline (a fall is negative)
    select
        'dv_ppit_reduction_pct' as metric,
        mean_change as numerator,
        mean_baseline as denominator,
        'pct' as unit
    from ppit_means
    union all
    select
        'idva_felt_safer_pct' as metric,
        {{ dbt.cast('felt_safer_cases', type_double()) }} as numerator,
        {{ dbt.cast('asked_cases', type_double()) }} as denominator,
        'pct' as unit
    from felt_safer_counts
),

final as (
    select
        {{ scorecard_row("'DVIOM'", value=count_or_pct('unit', 'numerator', 'denominator')) }}
    from metric_rows
)

select * from final
