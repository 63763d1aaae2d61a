"""Shared helpers for the benchmarks that need a Praxis server or a throwaway database.

Not a benchmark (no ``NAME``). Nothing here imports Django: the runner process stays
unconfigured, and each benchmark that needs Django runs it in a subprocess (a worker) or behind
gunicorn, with its own environment.

- :func:`server_env`, :func:`praxis`, :func:`free_port`, :func:`start_gunicorn`,
  :func:`wait_healthy`, :func:`stop`, :func:`log_tail`, :func:`request`: run and talk to
  ``gunicorn praxis.config.wsgi:application`` on 127.0.0.1.
- :func:`postgres_url`, :func:`create_pg_database`, :func:`drop_pg_database`: a throwaway
  PostgreSQL database ``praxis_bench_<pid>_<tag>`` on the local server, when it is reachable.
- :func:`run_worker`: ``python -m bench.<worker> ...`` with a given environment; its last stdout
  line is JSON and is returned as a dict. :func:`start_worker` / :func:`finish_worker`: the same
  in the background.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import log

HOST = "127.0.0.1"
HEALTH_PATH = "/healthz"
# The local PostgreSQL of the dev and CI machines (DESIGN.md); PRAXIS_BENCH_PG_ADMIN_URL overrides.
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# -- environment and the praxis command ---------------------------------------------------------


def server_env(data_dir: Path, bench_db_url: str) -> dict[str, str]:
    """The environment of a demo-profile Praxis on ``data_dir`` (and ``bench_db_url``, if any)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PRAXIS_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GUNICORN_CMD_ARGS"}
    }
    env.update(
        {
            "PRAXIS_PROFILE": "demo",
            "PRAXIS_DATA_DIR": str(data_dir),
            "PRAXIS_DEBUG": "false",
            # Django logs every 4xx/5xx at WARNING: errors still reach the server log, chatter not.
            "PRAXIS_LOG_LEVEL": "WARNING",
        }
    )
    if bench_db_url:
        env["PRAXIS_DATABASE_URL"] = bench_db_url
    return env


def praxis(bin_dir: Path, env: dict[str, str], cwd: Path, *args: str, tag: str = "bench") -> None:
    log(f"{tag}: praxis {' '.join(args)}")
    done = subprocess.run(
        [str(bin_dir / "praxis"), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"`praxis {' '.join(args)}` exited with {done.returncode}")


def run_worker(
    module: str, args: list[str], env: dict[str, str], cwd: Path, timeout_s: float = 600
) -> dict[str, Any]:
    """Run ``python -m <module> <args>``; its stderr passes through, its last stdout line is the
    JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**env, "PYTHONPATH": _bench_parent() + os.pathsep + env.get("PYTHONPATH", "")},
        cwd=cwd,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:])
        raise RuntimeError(f"`python -m {module} {' '.join(args)}` exited with {done.returncode}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"`python -m {module}` printed no result")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def start_worker(
    module: str, args: list[str], env: dict[str, str], cwd: Path
) -> subprocess.Popen[str]:
    """``python -m <module> <args>`` in the background; :func:`finish_worker` collects it."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env={**env, "PYTHONPATH": _bench_parent() + os.pathsep + env.get("PYTHONPATH", "")},
        cwd=cwd,
        stdout=subprocess.PIPE,
        text=True,
    )


def finish_worker(worker: subprocess.Popen[str], timeout_s: float = 120) -> dict[str, Any]:
    """Wait for a worker from :func:`start_worker`; its last stdout line, as JSON."""
    out, _ = worker.communicate(timeout=timeout_s)
    lines = [line for line in out.splitlines() if line.strip()]
    if worker.returncode != 0 or not lines:
        sys.stderr.write(out[-4000:])
        raise RuntimeError(f"background worker {worker.args!r} exited with {worker.returncode}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _bench_parent() -> str:
    """The folder that holds the ``bench`` package, so a worker started elsewhere finds it."""
    return str(Path(__file__).resolve().parent.parent)


# -- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_gunicorn(
    bin_dir: Path,
    env: dict[str, str],
    cwd: Path,
    port: int,
    log_path: Path,
    *,
    workers: int = 2,
    threads: int = 4,
    tag: str = "bench",
) -> subprocess.Popen[bytes]:
    gunicorn = bin_dir / "gunicorn"
    command = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    command += [
        "praxis.config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--graceful-timeout",
        "5",
        "--no-control-socket",  # gunicorn >= 24 would otherwise claim ~/.gunicorn/gunicorn.ctl
    ]
    log(f"{tag}: gunicorn on {HOST}:{port} ({workers} workers x {threads} threads)")
    with log_path.open("wb") as out:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(
    server: subprocess.Popen[bytes], port: int, log_path: Path, timeout_s: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log_tail(log_path)
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering")
        try:
            status, _, _ = request(port, "GET", HEALTH_PATH)
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.1)
    log_tail(log_path)
    raise RuntimeError(f"{HEALTH_PATH} did not answer 200 within {timeout_s:g}s")


def stop(server: subprocess.Popen[bytes], *, tag: str = "bench") -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    log(f"{tag}: gunicorn stopped (exit {server.returncode})")


def log_tail(log_path: Path, lines: int = 40) -> None:
    try:
        tail = log_path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return
    if tail:
        sys.stderr.write("---- gunicorn log (tail) ----\n" + "\n".join(tail) + "\n")


def request(
    port: int,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


# -- throwaway PostgreSQL databases -------------------------------------------------------------


def _pg_admin_url() -> str:
    return os.environ.get("PRAXIS_BENCH_PG_ADMIN_URL", "").strip() or PG_ADMIN_URL


def postgres_url(name: str) -> str:
    """The URL of database ``name`` on the admin URL's server."""
    base = _pg_admin_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


def pg_reachable() -> bool:
    """Whether the local PostgreSQL answers (the benchmarks then run on it as well)."""
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(_pg_admin_url(), connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def create_pg_database(tag: str) -> str:
    """Create ``praxis_bench_<pid>_<tag>`` (dropping a leftover of that name); its URL."""
    import psycopg
    from psycopg import sql

    name = f"praxis_bench_{os.getpid()}_{tag}"
    with psycopg.connect(_pg_admin_url(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return postgres_url(name)


def drop_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(_pg_admin_url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    except psycopg.Error as exc:
        log(f"could not drop {name}: {exc}")
