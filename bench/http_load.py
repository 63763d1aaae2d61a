"""http_load: the main pages of the day under concurrent clients (10, or ``--clients N``).

A throwaway demo practice (migrate + seed-demo in a temporary data folder; then again on a
throwaway PostgreSQL database when the local server answers, or only on the database named by
PRAXIS_BENCH_DATABASE_URL) is served by gunicorn (2 workers x 4 threads) on 127.0.0.1. The client
threads, each on its own keep-alive ``http.client`` connection, hammer one target at a time for a
fixed window, signed in as the demo person whose page it is (the Administrator through the
one-time code); ``GET /healthz`` (one ``SELECT 1``) is the baseline measured the same way in the
same run, so ``ratio`` (median latency) and ``rps_ratio`` (throughput) say what the page costs
above the floor of the stack. Target (issue: fast pages): ``rps_ratio`` >= 0.1 with 50 clients.
"""

from __future__ import annotations

import ast
import http.client
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from . import log, median, percentile, seconds
from .server import (
    HOST,
    create_pg_database,
    drop_pg_database,
    free_port,
    log_tail,
    pg_reachable,
    praxis,
    request,
    server_env,
    start_gunicorn,
    stop,
    wait_healthy,
)

NAME = "http_load"

CLIENTS = 10  # python -m bench --clients N sets PRAXIS_BENCH_CLIENTS
DURATION_S = {"small": 1.5, "full": 10.0}
WARMUP_S = {"small": 0.3, "full": 2.0}
ROUNDS = {"small": 3, "full": 5}  # the window per target is split into this many rounds

SESSION_COOKIE = "praxis_session"
CSRF_COOKIE = "praxis_csrftoken"
DEMO_DOMAIN = "riverbend.example"

BASELINE = ("healthz", "/healthz", "")
# (name, path, the demo person signed in: "" for none)
TARGETS = (
    ("login_page", "/login/", ""),
    ("calendar_day", "/scheduling/", "frontdesk"),
    ("calendar_week", "/scheduling/?mode=week", "frontdesk"),
    ("patient_list", "/patients/", "frontdesk"),
    ("ready_board", "/scheduling/ready/", "manager"),
    ("front_desk_home", "/me/", "frontdesk"),
    ("manager_home", "/home/manager/", "manager"),
    ("administrator_home", "/home/administrator/", "admin"),
)

_CSRF_FIELD = re.compile(
    r"""<input[^>]*name=["']csrfmiddlewaretoken["'][^>]*value=["']([^"']+)["']"""
    r"""|<input[^>]*value=["']([^"']+)["'][^>]*name=["']csrfmiddlewaretoken["']"""
)


@dataclass
class Window:
    """What the clients saw for one target during one timed window."""

    latencies: list[float] = field(default_factory=list)  # 200 responses only
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # status code or exception -> count
    elapsed_s: float = 0.0

    def add(self, other: Window) -> None:
        self.latencies.extend(other.latencies)
        self.requests += other.requests
        self.errors.update(other.errors)
        self.elapsed_s += other.elapsed_s

    def summary(self) -> dict[str, Any]:
        return {
            "n": self.requests,
            "median_s": seconds(median(self.latencies)),
            "p95_s": seconds(percentile(self.latencies, 95)),
            "rps": round(self.requests / self.elapsed_s, 1) if self.elapsed_s else None,
            "errors": sum(self.errors.values()),
        }


def clients() -> int:
    return int(os.environ.get("PRAXIS_BENCH_CLIENTS") or CLIENTS)


def run(size: str) -> list[dict[str, Any]]:
    named = os.environ.get("PRAXIS_BENCH_DATABASE_URL", "").strip()
    if named:
        db = "postgresql" if urlparse(named).scheme.startswith("postgres") else "sqlite"
        return _run_one(size, db, named)
    results = _run_one(size, "sqlite", "")
    if pg_reachable():
        url = create_pg_database("http")
        try:
            results += _run_one(size, "postgresql", url)
        finally:
            drop_pg_database(url)
    return results


def _run_one(size: str, db: str, bench_db_url: str) -> list[dict[str, Any]]:
    duration = DURATION_S[size]
    warmup = WARMUP_S[size]
    data_dir = Path(tempfile.mkdtemp(prefix="praxis-bench-http-"))
    server: subprocess.Popen[bytes] | None = None
    server_log = data_dir / "gunicorn.log"
    try:
        env = server_env(data_dir, bench_db_url)
        bin_dir = Path(sys.executable).parent
        praxis(bin_dir, env, data_dir, "migrate", "--no-input", tag=NAME)
        praxis(bin_dir, env, data_dir, "seed-demo", tag=NAME)

        port = free_port()
        server = start_gunicorn(bin_dir, env, data_dir, port, server_log, tag=NAME)
        wait_healthy(server, port, server_log)
        people = {who for _, _, who in TARGETS if who}
        cookies = {"": ""} | {who: _sign_in(port, who, bin_dir, env, data_dir) for who in people}

        plan = [
            (target, path, {"Cookie": cookies[who]} if who else {})
            for target, path, who in (BASELINE, *TARGETS)
        ]
        for target, path, headers in plan:
            log(f"http_load: {db}: warm-up {target} ({path}) {warmup:g}s")
            _load(port, path, headers, warmup)
        # The timed windows alternate between the targets, round by round, so a noisy neighbour
        # slows the baseline and the pages alike and the ratio holds.
        rounds = ROUNDS[size]
        measured = {target: Window() for target, _, _ in plan}
        log(
            f"http_load: {db}: {rounds} rounds of {duration / rounds:g}s per target, "
            f"{clients()} clients ({duration:g}s per target in all)"
        )
        for round_no in range(rounds):
            shift = round_no % len(plan)
            for target, path, headers in plan[shift:] + plan[:shift]:
                measured[target].add(_load(port, path, headers, duration / rounds))
        for target, window in measured.items():
            s = window.summary()
            log(
                f"http_load: {db}: {target}: n={s['n']} median={s['median_s']}s "
                f"p95={s['p95_s']}s rps={s['rps']} errors={s['errors']}"
                + (f" {dict(window.errors)}" if window.errors else "")
            )
        if any(w.errors for w in measured.values()):
            log_tail(server_log)
    finally:
        if server is not None:
            stop(server, tag=NAME)
        shutil.rmtree(data_dir, ignore_errors=True)
    return [_line(target, path, db, size, measured) for target, path, _ in TARGETS]


def _line(
    target: str, path: str, db: str, size: str, measured: dict[str, Window]
) -> dict[str, Any]:
    base, window = measured[BASELINE[0]].summary(), measured[target]
    summary = window.summary()
    ratio = rps_ratio = None
    if summary["median_s"] is not None and base["median_s"]:
        ratio = round(summary["median_s"] / base["median_s"], 2)
    if summary["rps"] is not None and base["rps"]:
        rps_ratio = round(summary["rps"] / base["rps"], 3)
    return {
        "target": target,
        "n": summary["n"],
        "db": db,
        "median_s": summary["median_s"],
        "baseline": BASELINE[0],
        "baseline_median_s": base["median_s"],
        "ratio": ratio,
        "rps": summary["rps"],
        "baseline_rps": base["rps"],
        "rps_ratio": rps_ratio,
        "p95_s": summary["p95_s"],
        "errors": summary["errors"],
        "error_kinds": dict(window.errors),
        "baseline_n": base["n"],
        "baseline_p95_s": base["p95_s"],
        "baseline_errors": base["errors"],
        "path": path,
        "clients": clients(),
        "duration_s": DURATION_S[size],
        "rounds": ROUNDS[size],
        "server": "gunicorn --workers 2 --threads 4",
        "size": size,
    }


# -- the server ---------------------------------------------------------------------------------


# -- the client ---------------------------------------------------------------------------------


def _take_cookies(jar: SimpleCookie, message: http.client.HTTPMessage) -> None:
    for header in message.get_all("Set-Cookie") or []:
        jar.load(header)


def _cookie_header(jar: SimpleCookie) -> str:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items() if morsel.value)


def _demo_password() -> str:
    """``praxis.core.demo.DEMO_PASSWORD``, read from the source: importing the module needs a
    configured Django, which this (client) process deliberately is not."""
    spec = importlib.util.find_spec("praxis.core.demo")
    if spec is None or spec.origin is None:
        raise RuntimeError("praxis.core.demo is not importable from this interpreter")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and any(isinstance(t, ast.Name) and t.id == "DEMO_PASSWORD" for t in node.targets)
        ):
            return str(node.value.value)
    raise RuntimeError(f"no DEMO_PASSWORD constant in {spec.origin}")


def _csrf_token(body: bytes) -> str:
    match = _CSRF_FIELD.search(body.decode("utf-8", "replace"))
    if match is None:
        raise RuntimeError("the page carries no CSRF form token")
    return match.group(1) or match.group(2)


def _post_form(port: int, path: str, fields: dict[str, str], jar: SimpleCookie) -> tuple[int, str]:
    status, message, _ = request(
        port,
        "POST",
        path,
        body=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(jar),
            "Referer": f"http://{HOST}:{port}{path}",
        },
    )
    _take_cookies(jar, message)
    return status, message.get("Location", "")


def _sign_in(port: int, who: str, bin_dir: Path, env: dict[str, str], cwd: Path) -> str:
    """Sign in as a demo person (past the one-time code when their role needs one); the Cookie
    header that carries the session."""
    email = f"{who}@{DEMO_DOMAIN}"
    jar: SimpleCookie = SimpleCookie()
    status, message, body = request(port, "GET", "/login/")
    if status != 200:
        raise RuntimeError(f"GET /login/ answered {status}")
    _take_cookies(jar, message)
    if CSRF_COOKIE not in jar:
        raise RuntimeError("the sign-in page did not hand out a CSRF cookie")
    fields = {"username": email, "password": _demo_password(), "next": ""}
    status, location = _post_form(
        port, "/login/", {**fields, "csrfmiddlewaretoken": _csrf_token(body)}, jar
    )
    if status != 302 or SESSION_COOKIE not in jar or location.startswith("/login/?"):
        raise RuntimeError(f"sign-in as {email} failed: {status} -> {location!r}")
    if location.startswith("/login/verify/"):
        _, _, page = request(port, "GET", location, headers={"Cookie": _cookie_header(jar)})
        code = _demo_code(bin_dir, env, cwd, email)
        status, location = _post_form(
            port,
            "/login/verify/",
            {"otp_token": code, "csrfmiddlewaretoken": _csrf_token(page)},
            jar,
        )
        if status != 302 or location.startswith("/login/"):
            raise RuntimeError(f"the one-time code of {email} was refused: {status}")
    log(f"http_load: signed in as {email}")
    return _cookie_header(jar)


def _demo_code(bin_dir: Path, env: dict[str, str], cwd: Path, email: str) -> str:
    done = subprocess.run(
        [str(bin_dir / "praxis"), "demo-code", email],
        env=env, cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def _load(port: int, path: str, headers: dict[str, str], duration_s: float) -> Window:
    """``clients()`` threads, each on its own keep-alive connection, GET ``path`` for
    ``duration_s``."""
    window = Window()
    lock = threading.Lock()
    count = clients()
    ready = threading.Barrier(count + 1)
    clock: dict[str, float] = {}
    failures: list[OSError] = []

    def client() -> None:
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        requests = 0
        last_done = 0.0
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            try:
                conn.connect()
            except OSError as exc:
                failures.append(exc)
                ready.abort()  # the runner must not wait for a client that never came
                return
            try:
                ready.wait()
            except threading.BrokenBarrierError:
                return  # another client could not connect; the runner reports it
            deadline = clock["deadline"]
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    last_done = time.perf_counter()
                    requests += 1
                    errors[type(exc).__name__] += 1
                    conn.close()  # the next request() reconnects
                    continue
                last_done = time.perf_counter()
                requests += 1
                if response.status == 200:
                    latencies.append(last_done - started)
                else:
                    errors[str(response.status)] += 1
                if response.will_close:
                    conn.close()
        finally:
            conn.close()
            with lock:
                window.latencies.extend(latencies)
                window.requests += requests
                window.errors.update(errors)
                clock["last_done"] = max(clock.get("last_done", 0.0), last_done)

    threads = [
        threading.Thread(target=client, name=f"http-load-{i}", daemon=True) for i in range(count)
    ]
    for thread in threads:
        thread.start()
    clock["start"] = time.perf_counter()
    clock["deadline"] = clock["start"] + duration_s
    try:
        ready.wait(timeout=30)
    except threading.BrokenBarrierError:
        for thread in threads:
            thread.join(timeout=5)
        cause = failures[0] if failures else None
        raise RuntimeError(f"load clients could not connect to {HOST}:{port}: {cause}") from cause
    for thread in threads:
        thread.join()
    window.elapsed_s = max(clock.get("last_done", 0.0) - clock["start"], 1e-9)
    return window
