"""dbt in the Dagster process (dbt's programmatic runner) instead of one dbt process per stage.

A dbt process pays about 3.5 s (2.4 s of CPU) before its first model: Python, importing dbt and
parsing the project. The nightly run has one dbt stage per scoring source and the Dagster process
has imported dbt already (dagster-dbt does), so here each stage is a `dbtRunner` invocation on a
manifest parsed once per process. dagster-dbt still turns dbt's events into Dagster events:
`InProcessDbt` stands where its dbt subprocess would and hands over the same JSON event lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import dagster_dbt.core.dbt_cli_invocation as dbt_cli_invocation

from dagster_project.heap import long_lived
from dagster_project.transform.project import project_fingerprint

# dagster-dbt hands dbt its settings as environment variables; in process they become flags,
# so the Dagster process's own environment stays untouched.
_ENV_TO_FLAG = {
    "DBT_TARGET_PATH": "--target-path",
    "DBT_LOG_PATH": "--log-path",
    "DBT_PROFILES_DIR": "--profiles-dir",
    "DBT_PROJECT_DIR": "--project-dir",
    "DBT_INDIRECT_SELECTION": "--indirect-selection",
    # The profile target: the engine's (transform/spark.py DBT_TARGETS).
    "DBT_TARGET": "--target",
}
# dbt prints nothing itself (dagster-dbt re-prints every event it reads). --no-write-json:
# dbt would write the whole 2 MB manifest.json into the run's target folder after every stage
# (0.5 s each); run_results.json, which comes with the same flag, is written here instead.
# No usage statistics: dbt_project.yml's flags say so for every dbt command, this one included.
_QUIET = ["--log-level", "none", "--no-write-json"]
_PRINTED_LEVELS = frozenset({"info", "warn", "error"})
_END = object()
# The parsed project, reused while no file dbt parses has changed (project_fingerprint).
_manifests: dict[str, Any] = {}
_lock = threading.Lock()


def _flag_value(flags: list[str], flag: str, default: str) -> str:
    return flags[flags.index(flag) + 1] if flag in flags else default


def _manifest(project_dir: str, flags: list[str]) -> Any:
    """Parse once per project version; every invocation after that skips parsing.

    The cli vars (`as_of`) only appear inside model SQL, which dbt renders at run time from the
    invocation's own vars, so a manifest parsed with other vars serves every run. For the same
    reason it serves every process: the first to parse a project version keeps the parsed
    manifest in dbt's own serialisation (`_stored_manifest_path`), and later processes (each
    `iom run`, each test worker) read it in a fraction of a parse's time.
    """
    from dbt.cli.main import dbtRunner

    # A manifest holds the target's database and schemas: one per target.
    target = _flag_value(flags, "--target", "")
    fingerprint = f"{project_fingerprint(Path(project_dir))}:{target}"
    if fingerprint not in _manifests:
        stored = _stored_manifest_path(Path(project_dir), target, fingerprint)
        # Kept for the process's life: read out of the garbage collector's way (heap.py). A
        # parse, once per project version, leaves garbage and runs with the collector on.
        with long_lived():
            manifest = _read_stored_manifest(stored)
        if manifest is None:
            # Into the run's own target folder: dbt/target/manifest.json is ensure_manifest's.
            parsed = dbtRunner().invoke(["parse", *flags])
            if not parsed.success:
                raise RuntimeError(f"dbt parse failed: {parsed.exception}")
            manifest = parsed.result
            _store_manifest(manifest, stored)
        _manifests[fingerprint] = manifest
    return _manifests[fingerprint]


def _stored_manifest_path(project_dir: Path, target: str, fingerprint: str) -> Path:
    """One file per target, for one project version and dbt version (dbt's serialisation may
    change between versions)."""
    from dbt.version import __version__ as dbt_version

    key = hashlib.sha256(f"{fingerprint}:{dbt_version}".encode()).hexdigest()[:20]
    return project_dir / "target" / "in_process" / f"{target or 'default'}-{key}.msgpack"


def _read_stored_manifest(path: Path) -> Any:
    """The stored manifest, or None when there is none or it can't be read (then dbt parses)."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    try:
        manifest = Manifest.from_msgpack(path.read_bytes(), decoder=extended_mashumuro_decoder)
    except Exception:  # missing, damaged, or written unlike this dbt reads: parse instead
        return None
    # As dbt does after loading a project (ManifestLoader.get_full_manifest).
    manifest.build_flat_graph()
    return manifest


def _store_manifest(manifest: Any, path: Path) -> bool:
    """Written whole or not at all (a rename), so a process reading it never sees half.

    Only a saving: where the project folder can't be written (a read-only deployment), the
    run goes on with the manifest it parsed, and the next process parses again.
    """
    from dbt.parser.manifest import extended_mashumaro_encoder

    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        target = path.name.rsplit("-", 1)[0]
        for older in path.parent.glob(f"{target}-*.msgpack"):
            if older != path:
                older.unlink(missing_ok=True)
        partial.write_bytes(manifest.to_msgpack(extended_mashumaro_encoder))
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        return False
    return True


def _close_duckdb() -> None:
    """dbt-duckdb keeps its database open for the process's life; the next step needs the file.

    A subprocess closed it by exiting; here it is closed after every invocation, so the Dagster
    process can open the warehouse again (read-only or not) and publication copies a whole file.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()


def _write_run_results(result: Any, project_dir: str, flags: list[str]) -> None:
    """run_results.json where dbt writes it (what ran, its status and timing), for a person
    looking into a run's target folder; commands without results (parse, ls) write none."""
    if not hasattr(result, "write"):
        return
    # dbt's own default, and a relative --target-path is the project's
    target_path = Path(project_dir) / _flag_value(flags, "--target-path", "target")
    target_path.mkdir(parents=True, exist_ok=True)
    result.write(str(target_path / "run_results.json"))


class InProcessDbt:
    """The part of `subprocess.Popen` dagster-dbt reads, backed by a dbtRunner in a thread.

    `stdout` yields dbt's JSON log lines, exactly what `dbt --log-format json` prints (the event
    message as a dict), so dagster-dbt parses them as it parses a subprocess's output.
    """

    def __init__(
        self, args: Sequence[str], env: Mapping[str, str], cwd: Any = None, **_: Any
    ) -> None:
        self.args = list(args)
        self.returncode: int | None = None
        self._lines: queue.Queue[Any] = queue.Queue()
        settings = {flag: env[name] for name, flag in _ENV_TO_FLAG.items() if env.get(name)}
        settings.setdefault("--project-dir", str(cwd))
        flags = [*(part for pair in settings.items() for part in pair), *_QUIET]
        self._thread = threading.Thread(
            target=self._run,
            args=(self.args[1:], settings["--project-dir"], flags),
            name="dbt",
            daemon=True,
        )
        self._thread.start()
        self.stdout = _Lines(self._lines)

    def _on_event(self, message: Any) -> None:
        from dbt_common.events.functions import msg_to_dict
        from dbt_common.utils.encoding import ForgivingJSONEncoder

        # What a dbt process prints at its default log level; callbacks also get dbt's debug
        # events (every query, connection and cache action), ten times as many, which
        # dagster-dbt would parse and print into the step's log for nothing.
        if message.info.level not in _PRINTED_LEVELS:
            return

        line = json.dumps(msg_to_dict(message), sort_keys=True, cls=ForgivingJSONEncoder)
        self._lines.put(line.encode())

    def _run(self, args: list[str], project_dir: str, flags: list[str]) -> None:
        from dbt.cli.main import dbtRunner

        code = 2
        try:
            with _lock:
                manifest = _manifest(project_dir, flags)
                runner = dbtRunner(manifest=manifest, callbacks=[self._on_event])
                # The subcommand first: dbt takes these flags after it (dagster-dbt's global
                # config flags, if any, come before the subcommand and stay there).
                result = runner.invoke([*args, *flags])
            _write_run_results(result.result, project_dir, flags)
            code = 0 if result.success else (2 if result.exception else 1)
            if result.exception is not None:
                self._lines.put(str(result.exception).encode())
        except Exception as error:  # the thread must always end the stream
            self._lines.put(f"dbt failed in process: {error!r}".encode())
        finally:
            try:
                _close_duckdb()
            finally:
                self.returncode = code
                self._lines.put(_END)

    def wait(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        return self.returncode if self.returncode is not None else 1

    def send_signal(self, signal: int) -> None:
        """An interrupted step: dbt cannot be stopped from outside its thread; it finishes."""

    def poll(self) -> int | None:
        return self.returncode


class _Lines:
    """An iterable, closable stream of lines, like a pipe's file object."""

    def __init__(self, lines: queue.Queue[Any]) -> None:
        self._lines = lines
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        while not self.closed:
            line = self._lines.get()
            if line is _END:
                self.closed = True
                return
            yield line

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True


@contextmanager
def dbt_in_process() -> Iterator[None]:
    """While dagster-dbt starts a dbt invocation, it starts an `InProcessDbt` instead.

    dagster-dbt has no hook for the process it starts; its module's `subprocess` is swapped
    only for the call that starts it (the run's steps take turns: in-process executor).
    """
    original = dbt_cli_invocation.subprocess
    dbt_cli_invocation.subprocess = SimpleNamespace(  # type: ignore[assignment]
        Popen=InProcessDbt, PIPE=original.PIPE, STDOUT=original.STDOUT
    )
    try:
        yield
    finally:
        dbt_cli_invocation.subprocess = original
