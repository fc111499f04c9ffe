{#- The rules impact_evaluation applies alike to a treated spell's baseline and to a comparison
    person-month (int_impact_spells, int_impact_comparison_strata), written once. -#}

{#- The month ends a baseline month end b is followed to: the score's horizon
    last_day(b + H months), the 12 months in which a reoffence is counted, and the 18 months by
    which it must be proven in court. -#}
{% macro impact_horizons(baseline_month_end) -%}
    {{ month_end_after(baseline_month_end, var('evaluation_horizon_months')) }}
        as horizon_month_end,
    {{ month_end_after(baseline_month_end, 12) }} as reoffending_window_end,
    {{ month_end_after(baseline_month_end, 18) }} as court_wait_end
{%- endmacro %}

{#- The stratum's score band of a baseline score S0: min(floor(S0 / 50), 20). -#}
{% macro impact_score_band(baseline_score) -%}
    cast(least(floor({{ baseline_score }} / 50), 20) as integer)
{%- endmacro %}

{#- Proven reoffences after each baseline of `baselines` (a relation with nominal_key, the
    horizons above and last_month_end), the Ministry of Justice's way: convictions for offences
    in (b, reoffending_window_end], proven by court_wait_end, for baselines whose court wait
    has passed. A select of the `keys` columns and reoffences, one row per baseline with one. -#}
{% macro proven_reoffences(baselines, baseline_month_end, keys) -%}
    select
        {%- for key in keys %}
        {{ baselines }}.{{ key }},
        {%- endfor %}
        count(*) as reoffences
    from {{ baselines }}
    inner join convictions
        on {{ baselines }}.nominal_key = convictions.nominal_key
        and {{ baselines }}.{{ baseline_month_end }} < convictions.offence_date
        and {{ baselines }}.reoffending_window_end >= convictions.offence_date
        and {{ baselines }}.court_wait_end >= convictions.conviction_date
    where {{ baselines }}.court_wait_end <= {{ baselines }}.last_month_end
    group by
        {%- for key in keys %}
        {{ baselines }}.{{ key }}{{ ',' if not loop.last }}
        {%- endfor %}
{%- endmacro %}
