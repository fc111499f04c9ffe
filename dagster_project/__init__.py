"""iom-warehouse: the nightly IOM performance warehouse (Dagster + dbt-duckdb)."""
