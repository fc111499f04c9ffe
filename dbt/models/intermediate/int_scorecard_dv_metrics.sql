-- Scorecard rows of the Domestic Violence IOM section (dv_nominals, dv_washout_nominals,
-- dv_ppit_reduction_pct, idva_felt_safer_pct), in the scorecard's long format.
-- Placeholder with the scorecard's columns until the DV models land.
select
    cast(null as varchar) as section,
    cast(null as varchar) as metric,
    cast(null as varchar) as breakdown,
    cast(null as double) as value,
    cast(null as varchar) as value_label,
    cast(null as double) as numerator,
    cast(null as double) as denominator,
    cast(null as varchar) as unit
where false
