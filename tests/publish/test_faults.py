"""Fault injection (issue 18, findings 2, 3, 6, 7): kill a run at each phase, run two at once,
fill the disk, make the data dir read-only. After each, the served DuckDB copy and Parquet
are wholly one version (the old one, or the new one), and the next run succeeds. Not timed.

Runs are real `iom run` processes; IOM_KILL_AT (dagster_project/ops/faults.py) makes one
SIGKILL itself at a named point, as the OOM killer or a power cut would.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from dagster import DagsterRunStatus

from dagster_project.ops.failures import FAILURE_KIND_TAG
from dagster_project.ops.instance import instance_for
from dagster_project.ops.lock import read_holder
from dagster_project.publish.versions import (
    CURRENT_LINK,
    Version,
    current_version,
    verify_version,
)
from dagster_project.settings import REPO_ROOT
from tests.ops.helpers import small_landing

# About 140 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(140)


@dataclass
class Site:
    root: Path
    data_dir: Path
    march: Path
    april: Path


def iom(data_dir: Path, *args: str, kill_at: str = "", wait: bool = True, hold: Path | None = None):
    """hold: the run waits at its first feed while that file exists (ops/faults.py)."""
    env = {**os.environ, "IOM_DATA_DIR": str(data_dir), "IOM_KILL_AT": kill_at}
    if hold is not None:
        env.update({"IOM_HOLD_AT": "ingest", "IOM_HOLD_FILE": str(hold)})
    env.pop("DAGSTER_HOME", None)
    command = [sys.executable, "-m", "dagster_project.cli", *args]
    if not wait:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def served_wholly(data_dir: Path) -> Version:
    """The version behind data/analytics.duckdb and data/marts, checked file by file."""
    version = current_version(data_dir)
    assert version is not None
    assert verify_version(version) == []
    # What an analyst opens, through the links, is byte for byte that one version.
    assert sha(data_dir / "analytics.duckdb") == version.files["analytics.duckdb"]
    parquet = sorted((data_dir / "marts").glob("*.parquet"))
    assert [f"marts/{p.name}" for p in parquet] == sorted(
        f for f in version.files if f.startswith("marts/")
    )
    for path in parquet:
        assert sha(path) == version.files[f"marts/{path.name}"]
    return version


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("faults")
    s = Site(
        root,
        root / "data",
        small_landing(root / "march", date(2019, 3, 31), 12),
        small_landing(root / "april", date(2019, 4, 30), 6),
    )
    first = iom(s.data_dir, "run", "--landing", str(s.march))
    assert first.returncode == 0, first.stderr[-2000:]
    return s


# In order: each kill leaves the lock file naming a run that died, which the next run marks.
PHASES = [("ingest", "old"), ("dbt", "old"), ("build_version", "old"), ("swap", "old"),
          ("after_swap", "new")]  # fmt: skip


KILLED: list[str] = []


@pytest.mark.parametrize(("phase", "expect"), PHASES)
def test_a_run_killed_at_each_phase_leaves_one_whole_version(site: Site, phase, expect):
    before = served_wholly(site.data_dir)
    killed = iom(site.data_dir, "run", "--landing", str(site.april), kill_at=phase)
    assert killed.returncode == -9, killed.stderr[-2000:]
    dead = read_holder(site.data_dir)
    assert dead is not None  # died holding the lock, which the kernel released
    KILLED.append(dead.run_id)
    after = served_wholly(site.data_dir)
    if expect == "old":
        assert after.version_id == before.version_id
    else:
        assert after.version_id != before.version_id
        assert (after.as_of, after.run_id) == ("2019-04-30", dead.run_id)
    leftovers = {
        "build_version": list((site.data_dir / "versions").glob(".*.partial")),
        "swap": list(site.data_dir.glob(f".{CURRENT_LINK}.*.tmp")),
    }.get(phase)
    if leftovers is not None:
        assert leftovers, f"expected the half-done {phase} to leave something to clean"


def test_the_next_run_succeeds_marks_the_dead_and_another_run_is_refused(site: Site):
    dead = read_holder(site.data_dir)
    # A later extract than any published (an older one is refused by the freshness check).
    may = small_landing(site.root / "may", date(2019, 5, 31), 9)
    # The first waits at its first feed until the second has tried: a fixed pause lost the
    # race once the first finished within it.
    hold = site.root / "hold"
    hold.touch()
    first = iom(site.data_dir, "run", "--landing", str(may), wait=False, hold=hold)
    # The second starts while the first holds the warehouse, with another landing folder
    # (issue 18, finding 2).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        holder = read_holder(site.data_dir)
        if holder is not None and holder.run_id != dead.run_id:
            break
        time.sleep(0.5)
    second = iom(site.data_dir, "run", "--landing", str(site.april))
    hold.unlink()
    stdout, stderr = first.communicate(timeout=900)
    assert first.returncode == 0, stderr[-2000:]
    assert second.returncode == 1
    assert "another run (" in second.stderr and "holds the warehouse" in second.stderr
    served = served_wholly(site.data_dir)
    # The first run published its own landing's figures under its own run id.
    assert served.as_of == "2019-05-31"
    assert served.run_id in stdout.decode()
    assert list((site.data_dir / "versions").glob(".*")) == []
    assert list(site.data_dir.glob(".*.tmp")) == []
    with instance_for(site.data_dir) as instance:
        killed = [
            r
            for r in instance.get_runs()
            if r.run_id not in (served.run_id,) and r.status != DagsterRunStatus.SUCCESS
        ]
        # each killed run found dead by the run after it; the refused one failed
        dead_runs = {r.run_id for r in killed if r.tags.get(FAILURE_KIND_TAG) == "dead"}
        assert dead_runs == set(KILLED)
        assert all(r.status == DagsterRunStatus.FAILURE for r in killed)


@pytest.fixture
def small_disk(site: Site, tmp_path: Path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a size-limited tmpfs needs root (mount -t tmpfs); not root here")
    # room for a copy of the site's data dir and 64 MiB more: the run then fills the rest
    used = sum(p.lstat().st_size for p in site.data_dir.rglob("*") if p.is_file())
    size = f"size={used // (1 << 20) + 64}m"
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", size, "tmpfs", str(mount)])
    if made.returncode != 0:
        pytest.skip("mount -t tmpfs is not permitted in this environment")
    try:
        shutil.copytree(site.data_dir, mount / "data", symlinks=True)
        yield mount / "data"
    finally:
        subprocess.run(["umount", "-l", str(mount)])


def test_a_full_disk_and_a_read_only_data_dir_fail_in_one_line(small_disk: Path, site: Site):
    data_dir = small_disk
    before = served_wholly(data_dir)
    filler = data_dir.parent / "filler"
    # Unbuffered: the write that finds the disk full leaves nothing for close() to flush again.
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * (1 << 20))
                handle.flush()
        except OSError:
            pass
    full = iom(data_dir, "run", "--landing", str(site.april))
    assert full.returncode in (1, 2)
    assert "disk full under" in full.stderr, full.stderr[-2000:]
    assert "Traceback" not in full.stderr
    assert served_wholly(data_dir).version_id == before.version_id

    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(data_dir.parent)], check=True)
    read_only = iom(data_dir, "run", "--landing", str(site.april))
    assert read_only.returncode == 2
    assert read_only.stderr.strip().count("\n") == 0, read_only.stderr
    assert "is read-only" in read_only.stderr
    assert served_wholly(data_dir).version_id == before.version_id


def test_dbt_dies_with_the_process_that_started_it(tmp_path: Path):
    from dagster_project.transform.project import DBT_GUARDED_EXECUTABLE

    pid_file = tmp_path / "dbt.pid"
    parent_code = (
        "import os, subprocess, sys\n"
        "env = {**os.environ, 'IOM_DBT_PYTHON': sys.executable,"
        " 'IOM_DBT_PARENT_PID': str(os.getpid())}\n"
        f"p = subprocess.Popen([{str(DBT_GUARDED_EXECUTABLE)!r}, 'parse', '--project-dir',"
        f" {str(REPO_ROOT / 'dbt')!r}, '--profiles-dir', {str(REPO_ROOT / 'dbt')!r},"
        f" '--target-path', {str(tmp_path / 'target')!r}], env=env)\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "import time; time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], cwd=REPO_ROOT)
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child = int(pid_file.read_text())
    time.sleep(0.5)  # dbt is starting (its import alone takes longer than this)
    assert Path(f"/proc/{child}").exists()
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        # a zombie of init's is gone as far as writing goes; reap check via status
        status = Path(f"/proc/{child}/status")
        if status.exists() and "State:\tZ" in status.read_text():
            break
        time.sleep(0.05)
    alive = Path(f"/proc/{child}/status")
    assert not alive.exists() or "State:\tZ" in alive.read_text()
