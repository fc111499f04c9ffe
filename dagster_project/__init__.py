"""iom-warehouse: the nightly IOM performance warehouse (Dagster + dbt-duckdb)."""

import importlib.util
import sys
import warnings

# With the spark extra installed, Great Expectations imports pyspark whenever it is imported
# itself (docs/decisions/spark.md):
# - pyspark warns that it does not fully support pandas 3: a line on stderr of every command.
#   The spark engine hands data over as Parquet, never through pyspark's pandas API.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)
# - GX also imports pyspark's Spark Connect modules. Without Spark Connect's dependencies
#   (pyarrow, grpcio-status: not in the spark extra) and in a process whose __main__ has no
#   file, such as the run worker Dagster spawns, pyspark takes itself for a doctest run and
#   calls sys.exit(0): the run dies without a word. Marked absent here, GX's import fails as
#   GX expects (ImportError) and it goes without Spark Connect, which could not work anyway.
if importlib.util.find_spec("pyspark") is not None and importlib.util.find_spec("pyarrow") is None:
    for _module in ("pyspark.sql.connect.dataframe", "pyspark.sql.connect.session"):
        sys.modules.setdefault(_module, None)  # type: ignore[arg-type]
