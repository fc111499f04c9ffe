"""The only module that knows where the dbt project is, and keeps its manifest current."""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.settings import DBT_PROJECT_DIR

# The venv's own dbt: cron, `iom run` and CI start without the venv on PATH.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
# What the nightly run's dbt steps call: the same dbt, killed by the kernel if the run dies.
DBT_GUARDED_EXECUTABLE = Path(__file__).with_name("dbt_guarded")
_FINGERPRINT_FILE = DBT_PROJECT_DIR / "target" / "project_fingerprint.txt"
_PROJECT_GLOBS = (
    "dbt_project.yml",
    "profiles.yml",
    "models/**/*",
    "macros/**/*",
    "seeds/**/*",
    "tests/**/*",
)


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A hash of every file dbt parses: unchanged hash, reusable manifest."""
    digest = hashlib.sha256()
    files = sorted({p for g in _PROJECT_GLOBS for p in project_dir.glob(g) if p.is_file()})
    for path in files:
        digest.update(str(path.relative_to(project_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_manifest(project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """Run `dbt parse` only when the project changed since the manifest was written.

    Processes that start together (parallel test workers, `iom` commands) take turns: one
    parses, the others then find the manifest current, instead of writing it at once.
    """
    target = project_dir / "target"
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _parse_if_changed(project_dir, target / "manifest.json")


def _parse_if_changed(project_dir: Path, manifest: Path) -> Path:
    fingerprint = project_fingerprint(project_dir)
    if (
        manifest.is_file()
        and _FINGERPRINT_FILE.is_file()
        and _FINGERPRINT_FILE.read_text() == fingerprint
    ):
        return manifest
    subprocess.run(
        [
            str(DBT_EXECUTABLE),
            "parse",
            "--quiet",
            "--profiles-dir",
            str(project_dir),
            "--project-dir",
            str(project_dir),
        ],
        check=True,
        cwd=project_dir,
    )
    _FINGERPRINT_FILE.write_text(fingerprint)
    return manifest


ensure_manifest()
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
