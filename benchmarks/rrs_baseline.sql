-- Baseline for the RRS benchmark: the metrics.md definition written as one plain DuckDB
-- query (correlated sums per scoring point), to time against dagster_project/scoring/rrs.py.
-- Same inputs (intermediate.int_scoring_points, staging.stg_convictions, staging.stg_arrests,
-- reference.offence_weights) and the same output columns as scoring.rrs_scores.
with points as (
    select nominal_key, scoring_date from intermediate.int_scoring_points
),

matrix as (
    select * from reference.offence_weights
),

points_with_versions as (
    select
        points.*,
        (
            select max(matrix.matrix_version) from matrix
            where points.scoring_date >= matrix.valid_from
                and (matrix.valid_to is null or points.scoring_date < matrix.valid_to)
        ) as matrix_version,
        (select max(matrix_version) from matrix) as lfl_matrix_version
    from points
),

components as (
    select
        points.*,
        (
            select coalesce(sum(matrix.weight
                + case when convictions.is_weapon_enabled then matrix.weapon_uplift else 0 end), 0)
            from staging.stg_convictions as convictions
            inner join matrix on convictions.offence_code = matrix.offence_code
            where convictions.nominal_key = points.nominal_key
                and matrix.matrix_version = points.matrix_version
                and convictions.conviction_date > points.scoring_date - interval 5 year
                and convictions.conviction_date <= points.scoring_date
        ) as conviction_weight,
        (
            select coalesce(sum(matrix.weight
                + case when arrests.is_weapon_enabled then matrix.weapon_uplift else 0 end), 0)
            from staging.stg_arrests as arrests
            inner join matrix on arrests.offence_code = matrix.offence_code
            where arrests.nominal_key = points.nominal_key
                and matrix.matrix_version = points.matrix_version
                and arrests.arrest_date > points.scoring_date - interval 12 month
                and arrests.arrest_date <= points.scoring_date
        ) as arrest_weight,
        (
            select coalesce(sum(matrix.weight
                + case when convictions.is_weapon_enabled then matrix.weapon_uplift else 0 end), 0)
            from staging.stg_convictions as convictions
            inner join matrix on convictions.offence_code = matrix.offence_code
            where convictions.nominal_key = points.nominal_key
                and matrix.matrix_version = points.lfl_matrix_version
                and convictions.conviction_date > points.scoring_date - interval 5 year
                and convictions.conviction_date <= points.scoring_date
        ) as conviction_weight_lfl,
        (
            select coalesce(sum(matrix.weight
                + case when arrests.is_weapon_enabled then matrix.weapon_uplift else 0 end), 0)
            from staging.stg_arrests as arrests
            inner join matrix on arrests.offence_code = matrix.offence_code
            where arrests.nominal_key = points.nominal_key
                and matrix.matrix_version = points.lfl_matrix_version
                and arrests.arrest_date > points.scoring_date - interval 12 month
                and arrests.arrest_date <= points.scoring_date
        ) as arrest_weight_lfl
    from points_with_versions as points
),

final as (
    select
        nominal_key,
        scoring_date,
        matrix_version,
        case when matrix_version is not null then conviction_weight end as conviction_weight,
        case when matrix_version is not null then arrest_weight end as arrest_weight,
        case when matrix_version is not null then conviction_weight * arrest_weight end as rrs,
        lfl_matrix_version,
        conviction_weight_lfl,
        arrest_weight_lfl,
        conviction_weight_lfl * arrest_weight_lfl as rrs_lfl
    from components
)

select * from final order by nominal_key, scoring_date
