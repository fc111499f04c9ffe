"""What a published version is, which one is served, and the one switch between them.

Layout under the data dir (docs/security.md, "Publication"):

    versions/<id>/analytics.duckdb, marts/*.parquet, version.json   immutable once renamed
    current -> versions/<id>                  the switch: one symlink, swapped by os.replace
    analytics.duckdb -> current/analytics.duckdb   fixed links: the paths analysts open
    marts -> current/marts

The DuckDB copy and the Parquet are both reached through `current`, so one rename serves a
whole version: a reader sees all of the old one or all of the new one, never a mix.
version.json records the sha256 of every file; a version whose files no longer match is
never served (rollback included).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.ops.faults import checkpoint

VERSIONS_DIR = "versions"
CURRENT_LINK = "current"
MARTS_LINK = "marts"
ANALYTICS_FILE = "analytics.duckdb"
VERSION_INFO = "version.json"
CHECK_RESULTS = "check_results"
PARTIAL_SUFFIX = ".partial"
TMP_SUFFIX = ".tmp"
# Parquet has no 128-bit integer: DuckDB would write sums (HUGEINT) as DOUBLE.
_WIDE_INTEGERS = ("HUGEINT", "UHUGEINT")


class UnknownVersionError(Exception):
    """No published version matches what was asked for."""


class VersionIntegrityError(Exception):
    """A version's files no longer match the checksums recorded when it was built."""


@dataclass(frozen=True)
class Version:
    version_id: str
    path: Path
    as_of: str
    run_id: str
    created_at: str
    tables: dict[str, int]
    checks: dict[str, int]
    # Versions published before the quality checks existed have no extract_date.
    extract_date: str | None = None
    # Versions published before the selection marts record no dbt vars.
    dbt_vars: dict[str, Any] | None = None
    # sha256 of every file, relative to the version folder; empty for versions built before.
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Version:
        info = json.loads((path / VERSION_INFO).read_text())
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(path=path, **{k: v for k, v in info.items() if k in known})

    @property
    def analytics_path(self) -> Path:
        return self.path / ANALYTICS_FILE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file or a directory (its entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _parquet_select(con: duckdb.DuckDBPyConnection, source: str, name: str) -> str:
    """The mart's columns as Parquet can hold them: 128-bit integers as BIGINT, not DOUBLE."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'warehouse' and table_schema = 'marts' and table_name = ? "
        "order by ordinal_position",
        [name],
    ).fetchall()
    parts = [
        f'cast("{c}" as bigint) as "{c}"' if t in _WIDE_INTEGERS else f'"{c}"' for c, t in columns
    ]
    return f"select {', '.join(parts)} from {source}"


def build_version(
    warehouse_path: Path,
    data_dir: Path,
    run_id: str,
    as_of: date,
    checks: dict[str, int],
    extract_date: date | None = None,
    dbt_vars: dict[str, Any] | None = None,
) -> Version:
    """Copy every table of the warehouse's marts schema into a new, immutable version folder.

    dbt_vars: the vars the marts were built with (as_of, selection_threshold, ...).
    """
    created = datetime.now(UTC)
    version_id = f"{created:%Y%m%dT%H%M%S%fZ}-{run_id[:8]}"
    staging_dir = data_dir / VERSIONS_DIR / f".{version_id}{PARTIAL_SUFFIX}"
    (staging_dir / MARTS_LINK).mkdir(parents=True)
    tables: dict[str, int] = {}
    # An in-memory session attaching both files: the warehouse read only, the new copy writable.
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse_path}' as warehouse (read_only)")
        con.execute(f"attach '{staging_dir / ANALYTICS_FILE}' as published")
        con.execute("create schema published.marts")
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'warehouse' and table_schema = 'marts' "
                "order by table_name"
            ).fetchall()
        ]
        for name in names:
            source = f"warehouse.marts.{name}"
            con.execute(f"create table published.marts.{name} as select * from {source}")
            parquet = staging_dir / MARTS_LINK / f"{name}.parquet"
            select = _parquet_select(con, source, name)
            con.execute(f"copy ({select}) to '{parquet}' (format parquet)")
            tables[name] = con.execute(f"select count(*) from {source}").fetchone()[0]
        _copy_check_results(con, run_id, staging_dir, tables)
        con.execute("detach published")
        con.execute("detach warehouse")
    finally:
        con.close()
    files = {
        str(p.relative_to(staging_dir)): _sha256(p)
        for p in sorted(staging_dir.rglob("*"))
        if p.is_file()
    }
    info = {
        "version_id": version_id,
        "as_of": as_of.isoformat(),
        "run_id": run_id,
        "created_at": created.isoformat(timespec="seconds"),
        "tables": tables,
        "checks": checks,
        "extract_date": extract_date.isoformat() if extract_date else None,
        "dbt_vars": dbt_vars,
        "files": files,
    }
    (staging_dir / VERSION_INFO).write_text(json.dumps(info, indent=2, sort_keys=True))
    # Every byte on disk before the rename makes the version visible, then the rename itself.
    for relative in [*files, VERSION_INFO]:
        fsync_path(staging_dir / relative)
    fsync_path(staging_dir / MARTS_LINK)
    fsync_path(staging_dir)
    checkpoint("build_version")
    final_dir = data_dir / VERSIONS_DIR / version_id
    staging_dir.rename(final_dir)
    fsync_path(final_dir.parent)
    return Version.load(final_dir)


def parquet_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A select of the table whose integers stay integers in Parquet.

    DuckDB's sum() of integers is a HUGEINT (128 bits), which Parquet cannot hold: the writer
    would store it as DOUBLE. Scores and day counts fit a BIGINT many times over, and the
    cast fails loudly rather than round if one ever did not.
    """
    columns = con.execute(f"describe {table}").fetchall()
    select = [
        f'cast("{name}" as bigint) as "{name}"' if kind == "HUGEINT" else f'"{name}"'
        for name, kind, *_ in columns
    ]
    return f"select {', '.join(select)} from {table}"


def _copy_check_results(
    con: duckdb.DuckDBPyConnection, run_id: str, staging_dir: Path, tables: dict[str, int]
) -> None:
    """This run's quality verdicts travel with the marts they vouch for (marts.check_results)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_catalog = 'warehouse' "
        "and table_schema = 'quality' and table_name = 'check_results'"
    ).fetchone()[0]
    if not exists:
        return
    con.execute(
        f"create table published.marts.{CHECK_RESULTS} as "
        "select * exclude (seconds) from warehouse.quality.check_results where run_id = ? "
        "order by asset, check_name",
        [run_id],
    )
    parquet = staging_dir / MARTS_LINK / f"{CHECK_RESULTS}.parquet"
    con.execute(f"copy published.marts.{CHECK_RESULTS} to '{parquet}' (format parquet)")
    tables[CHECK_RESULTS] = con.execute(
        f"select count(*) from published.marts.{CHECK_RESULTS}"
    ).fetchone()[0]


def verify_version(version: Version) -> list[str]:
    """What no longer matches the checksums of version.json (empty: intact or never recorded)."""
    problems = []
    for relative, digest in sorted(version.files.items()):
        path = version.path / relative
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif _sha256(path) != digest:
            problems.append(f"{relative} changed since publication (sha256 differs)")
    return problems


def _swap_link(link: Path, target: Path, fault_point: str = "") -> None:
    """Point `link` at `target` in one rename (a half-made link is never visible)."""
    temporary = link.parent / f".{link.name}.{os.getpid()}{TMP_SUFFIX}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    if fault_point:
        checkpoint(fault_point)
    if link.is_dir() and not link.is_symlink():
        # The marts folder of a data dir published before versions existed.
        shutil.rmtree(link)
    os.replace(temporary, link)


def _fixed_links(data_dir: Path) -> None:
    """analytics.duckdb and marts resolve through `current` (set once, then never touched)."""
    for name, target in (
        (ANALYTICS_FILE, Path(CURRENT_LINK) / ANALYTICS_FILE),
        (MARTS_LINK, Path(CURRENT_LINK) / MARTS_LINK),
    ):
        link = data_dir / name
        if not (link.is_symlink() and Path(os.readlink(link)) == target):
            _swap_link(link, target)


def activate_version(data_dir: Path, version: Version) -> None:
    """Serve this version: verify its checksums, then swap `current` in one rename."""
    problems = verify_version(version)
    if problems:
        raise VersionIntegrityError(
            f"version {version.version_id} is not served: {'; '.join(problems)} "
            f"(under {version.path}); publish another version or re-run"
        )
    current = data_dir / CURRENT_LINK
    if not current.is_symlink():
        # A data dir of the two-link layout: first make `current` name what is served now,
        # so turning analytics.duckdb and marts into fixed links changes nothing visible.
        served = current_version_id(data_dir)
        if served:
            _swap_link(current, Path(VERSIONS_DIR) / served)
    _fixed_links(data_dir)
    _swap_link(current, Path(VERSIONS_DIR) / version.version_id, fault_point="swap")
    fsync_path(data_dir)
    checkpoint("after_swap")


def list_versions(data_dir: Path) -> list[Version]:
    """Published versions, newest first (a folder still being built is not one)."""
    root = data_dir / VERSIONS_DIR
    if not root.is_dir():
        return []
    found = [
        Version.load(p)
        for p in root.iterdir()
        if not p.name.startswith(".") and (p / VERSION_INFO).is_file()
    ]
    return sorted(found, key=lambda v: v.version_id, reverse=True)


def current_version_id(data_dir: Path) -> str | None:
    current = data_dir / CURRENT_LINK
    if current.is_symlink():
        return Path(os.readlink(current)).name
    # The two-link layout: marts was a link straight into the version folder.
    link = data_dir / MARTS_LINK
    return link.resolve().parent.name if link.is_symlink() else None


def current_version(data_dir: Path) -> Version | None:
    """The version being served, read once (callers open its files, not the links)."""
    version_id = current_version_id(data_dir)
    path = data_dir / VERSIONS_DIR / version_id if version_id else None
    return Version.load(path) if path and (path / VERSION_INFO).is_file() else None


def find_version(data_dir: Path, ref: str) -> Version:
    """A version by its id or an unambiguous prefix of it."""
    matches = [v for v in list_versions(data_dir) if v.version_id.startswith(ref)]
    exact = [v for v in matches if v.version_id == ref]
    if exact or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise UnknownVersionError(f"no published version {ref!r}: see `iom versions`")
    raise UnknownVersionError(f"{ref!r} matches {len(matches)} versions: give more of the id")


def version_as_of(data_dir: Path, as_of: date) -> Version:
    """The newest version published for an as-of date (served or kept as history)."""
    versions = list_versions(data_dir)
    for version in versions:
        if version.as_of == as_of.isoformat():
            return version
    dates = sorted({v.as_of for v in versions})
    available = ", ".join(dates) if dates else "none yet"
    raise UnknownVersionError(
        f"no published version as of {as_of}; as-of dates published: {available} "
        "(publish one with `iom run --as-of D --no-activate`)"
    )


def clean_leftovers(data_dir: Path) -> list[str]:
    """Remove what an interrupted publication left (half-built versions, temporary links).

    Called with the run lock held, so nothing removed here can belong to a live run.
    """
    removed = []
    candidates = [
        *(data_dir / VERSIONS_DIR).glob(f".*{PARTIAL_SUFFIX}"),
        *data_dir.glob(f".*{TMP_SUFFIX}"),
    ]
    for path in sorted(candidates):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        removed.append(str(path.relative_to(data_dir)))
    return removed


def prune_versions(data_dir: Path, keep: int) -> list[str]:
    """Keep the newest `keep` versions (and always the one being served)."""
    current = current_version_id(data_dir)
    removed = []
    for version in list_versions(data_dir)[keep:]:
        if version.version_id != current:
            shutil.rmtree(version.path)
            removed.append(version.version_id)
    return removed
