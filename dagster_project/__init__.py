"""iom-warehouse: the nightly IOM performance warehouse (Dagster + dbt-duckdb)."""

import warnings

# With the spark extra installed, Great Expectations imports pyspark at its own import, and
# pyspark warns then that it does not fully support pandas 3: a line on stderr of every
# command. The spark engine hands data over as Parquet, never through pyspark's pandas API.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)
