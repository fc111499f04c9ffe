"""dbt wiring: where the dbt project is, and the dbt stages as Dagster assets."""
