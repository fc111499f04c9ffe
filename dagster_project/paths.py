"""Where the project's own files live, relative to the repository."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_LANDING_DIR = DEFAULT_DATA_DIR / "landing"
