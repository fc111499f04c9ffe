"""`iom` subcommands for operations: ui, versions, rollback, audit (cli.py registers them)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from dagster_project.cli.errors import positive_int
from dagster_project.publish.published import format_table
from dagster_project.settings import DATA_DIR_ENV, REPO_ROOT

Handler = Callable[[argparse.Namespace], int]
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]
# The same workspace file for both: runs, schedules and sensors share one code location name.
WORKSPACE_FILE = REPO_ROOT / "workspace.yaml"
_STOP_GRACE_SECONDS = 30


def service_commands(host: str, port: int) -> dict[str, list[str]]:
    """The two long-running Dagster processes; the venv's own scripts, PATH or not."""
    scripts = Path(sys.executable).parent
    return {
        "webserver": [
            str(scripts / "dagster-webserver"),
            "--host",
            host,
            "--port",
            str(port),
            "--workspace",
            str(WORKSPACE_FILE),
        ],
        "daemon": [str(scripts / "dagster-daemon"), "run", "--workspace", str(WORKSPACE_FILE)],
    }


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_services(data_dir: Path, host: str, port: int) -> int:
    """Start the webserver and the daemon together; stop both when either stops or on Ctrl-C."""
    from dagster_project.ops.instance import prepare_dagster_home

    home = prepare_dagster_home(data_dir)
    env = {**os.environ, "DAGSTER_HOME": str(home), DATA_DIR_ENV: str(data_dir)}
    # Ctrl-C, and the SIGTERM of systemd or docker, stop both cleanly. Both are set here, not
    # inherited: a process started with SIGINT ignored (as a shell starts `iom ui &`, or a
    # parent that ignores it) would otherwise never see Ctrl-C, and the services started below
    # would ignore it too.
    signal.signal(signal.SIGINT, _raise_interrupt)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    processes: dict[str, subprocess.Popen] = {}
    exit_code = 0
    try:
        for name, command in service_commands(host, port).items():
            processes[name] = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
        print(f"Dagster UI on http://{host}:{port} (DAGSTER_HOME={home}); Ctrl-C stops both.")
        while all(p.poll() is None for p in processes.values()):
            time.sleep(1)
        stopped = next(name for name, p in processes.items() if p.poll() is not None)
        exit_code = processes[stopped].returncode or 1
        print(f"dagster {stopped} exited ({exit_code}); stopping the other.", file=sys.stderr)
    except KeyboardInterrupt:
        print("Stopping the Dagster webserver and daemon...")
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes.values():
        try:
            process.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return exit_code


def add_operations_commands(add: AddCommand, data_dir: Callable[[], Path]) -> None:
    from dagster_project.ops.audit import audit_path, read_audit, verify_audit

    def cmd_ui(args: argparse.Namespace) -> int:
        return run_services(data_dir(), args.host, args.port)

    def cmd_versions(args: argparse.Namespace) -> int:
        from dagster_project.publish.history import versions_table

        columns, rows = versions_table(data_dir())
        if not rows:
            print("No published versions yet: run `iom run` first.")
            return 0
        print(format_table(columns, rows))
        return 0

    def cmd_rollback(args: argparse.Namespace) -> int:
        from dagster_project.ops.lock import WarehouseBusyError
        from dagster_project.publish.history import UnknownVersionError, rollback
        from dagster_project.publish.versions import VersionIntegrityError

        try:
            version = rollback(data_dir(), args.version)
        except (UnknownVersionError, VersionIntegrityError, WarehouseBusyError) as exc:
            print(exc, file=sys.stderr)
            return 2
        print(f"Published version {version.version_id} (as of {version.as_of}) again.")
        print("The next successful run publishes a new version over it.")
        return 0

    def cmd_audit(args: argparse.Namespace) -> int:
        if args.verify:
            verdict = verify_audit(data_dir())
            if not verdict.intact:
                print(
                    f"audit log BROKEN at entry {verdict.first_broken}: {verdict.reason} "
                    f"({audit_path(data_dir())}); entries before it are intact",
                    file=sys.stderr,
                )
                return 1
            unchained = f", {verdict.unchained} from before the chain" if verdict.unchained else ""
            print(
                f"audit log intact: {verdict.entries} entries{unchained}; head {verdict.head_hash}"
            )
            return 0
        entries = read_audit(data_dir(), args.limit)
        columns = ["audit_id", "logged_at", "os_user", "action", "rows_returned", "detail"]
        rows = [
            (e.audit_id, e.logged_at, e.os_user, e.action, e.rows_returned, e.detail)
            for e in entries
        ]
        print(format_table(columns, rows))
        return 0

    ui = add("ui", cmd_ui, "Run the Dagster UI and daemon (schedules, sensors) until Ctrl-C.")
    ui.add_argument("--host", default="127.0.0.1", help="bind address (default: local only)")
    ui.add_argument("--port", type=int, default=3000)
    add("versions", cmd_versions, "List the published versions; * marks the one served.")
    back = add("rollback", cmd_rollback, "Re-publish an earlier version atomically.")
    back.add_argument("version", nargs="?", help="version id or prefix (default: the previous)")
    audit = add("audit", cmd_audit, "Show the audit log of queries and reports, newest first.")
    audit.add_argument("--limit", type=positive_int, default=50)
    audit.add_argument(
        "--verify", action="store_true", help="check the hash chain; report the first broken entry"
    )
