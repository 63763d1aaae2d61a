"""Crash safety: the real web server (gunicorn) and the real worker, killed with SIGKILL in the
middle of their work, then started again.

Two front desks book visits through the API with a token while the server is killed and
restarted; the worker is killed while it sends a batch of due text reminders, and restarted.
Afterwards: every booking the API acknowledged with 201 exists; no visit lacks its room hold or
its audit event; the audit chain verifies; no reminder went out twice, and each one that went out
is recorded (or left "sending" by the killed worker, never retried).

The processes run on a database of their own, of the test database's kind.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.processes import BIN, fresh_database, praxis, praxis_env, query

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DUE_REMINDERS = 300
BOOKINGS_BEFORE_KILL = 20
BOOKINGS = 40
SLOTS_A_DAY = 20  # 08:00 to 18:00, every half hour

# Runs in `praxis shell`: the practice, a front desk with a token, a provider with hours and a
# visit type that needs the room, and DUE_REMINDERS visits of another provider in the next hours
# for patients who may be texted, with a 24-hour text reminder rule.
SETUP = f"""
import json
from datetime import time, timedelta
from django.utils import timezone
from praxis.core.services import api_token_create
from praxis.core.testing.factories import LocationFactory, PracticeFactory
from praxis.core.testing.personas import make_persona
from praxis.patients.testing.factories import PatientFactory
from praxis.scheduling.reminders import reminder_rule_create
from praxis.scheduling.testing import (
    AppointmentFactory, AppointmentTypeFactory, ProviderFactory, ResourceFactory, weekly_hours,
)

practice = PracticeFactory(name="Crash Test Clinic")
location = LocationFactory(practice=practice)
desk = make_persona("frontdesk_fay", practice)
provider = ProviderFactory(practice=practice)
weekly_hours(provider, location, start=time(8), end=time(18))
room = ResourceFactory(location=location)
kind = AppointmentTypeFactory(practice=practice, providers=[provider], required_resources=[room])
patient = PatientFactory(practice=practice)
reminded_by = ProviderFactory(practice=practice)
quick = AppointmentTypeFactory(practice=practice, providers=[reminded_by], duration_minutes=2)
texted = [
    PatientFactory(practice=practice, phone=f"(212) 555-{{n:04d}}", consent_sms=True)
    for n in range(30)
]
soon = timezone.now() + timedelta(hours=1)
for n in range({DUE_REMINDERS}):
    AppointmentFactory(
        provider=reminded_by, location=location, appointment_type=quick,
        patient=texted[n % len(texted)], start=soon + timedelta(minutes=2 * n),
    )
reminder_rule_create(practice=practice, hours_before=24, channel="sms")
token = api_token_create(user=desk, name="crash test", expires_at=None).secret
print(json.dumps({{
    "token": token, "patient": patient.pk, "provider": provider.pk, "location": location.pk,
    "type": kind.pk, "time_zone": location.time_zone,
}}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """One of our processes, in a session of its own so that a kill takes its children too."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.args,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


def _wait_until(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


class FrontDesk(threading.Thread):
    """Books the next free half hour again and again through the API, noting what the server
    acknowledged. A request the crash cut off is not retried: its outcome is unknown to the
    desk, and the checks below hold either way."""

    slots = iter(range(10_000))
    lock = threading.Lock()

    def __init__(self, port: int, cast: dict[str, Any], out: dict[str, list[Any]]) -> None:
        super().__init__(daemon=True)
        self.port, self.cast, self.out = port, cast, out
        self.stop = threading.Event()
        self.first_day = datetime.now(ZoneInfo(cast["time_zone"])).date() + timedelta(days=2)

    def body(self, slot: int) -> bytes:
        day = self.first_day + timedelta(days=slot // SLOTS_A_DAY)
        start = datetime.combine(day, datetime.min.time(), ZoneInfo(self.cast["time_zone"]))
        start += timedelta(hours=8, minutes=30 * (slot % SLOTS_A_DAY))
        keys = ("patient", "provider", "location", "type")
        # one patient booked slot after slot: meant, so no possible-duplicate warning
        body = {k: self.cast[k] for k in keys}
        return json.dumps({**body, "start": start.isoformat(), "allow_duplicate": True}).encode()

    def run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                slot = next(self.slots)
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            try:
                conn.request(
                    "POST",
                    "/api/v1/scheduling/appointments",
                    body=self.body(slot),
                    headers={
                        "Authorization": f"Bearer {self.cast['token']}",
                        "Content-Type": "application/json",
                    },
                )
                response = conn.getresponse()
                answer = response.read()
            except OSError:  # refused, reset or cut off: the server is down
                self.out["cut_off"].append(slot)
                time.sleep(0.05)
                continue
            finally:
                conn.close()
            if response.status == 201:
                self.out["acknowledged"].append(json.loads(answer)["id"])
            else:
                self.out["other"].append((response.status, answer[:200]))


def _sms_refs(outbox: Path) -> list[int]:
    """The appointment id in each text sent: the reply token is "<id in base 36>.<start>:sig"."""
    if not outbox.exists():
        return []
    lines = outbox.read_text().splitlines()
    return [int(re.search(r"Ref (\w+)\.", json.loads(line)["text"])[1], 36) for line in lines]


def test_killed_server_and_worker_lose_nothing_and_send_nothing_twice(tmp_path):
    data = tmp_path / "data"
    outbox = data / "outbox" / "sms.jsonl"
    with fresh_database(data) as (database, url):
        env = praxis_env(
            database_url=url,
            data_dir=data,
            PRAXIS_PROFILE="demo",
            PRAXIS_SMS_SENDER="praxis.scheduling.messaging.FileSmsSender",
            PRAXIS_EMAIL_BACKEND="file",
            PRAXIS_BOOKING_MIN_NOTICE_MINUTES="0",
            PRAXIS_LOG_LEVEL="WARNING",
        )
        migrated = praxis("migrate", "--no-input", "-v0", env=env)
        assert migrated.returncode == 0, migrated.stderr
        made = praxis("shell", "-c", SETUP, env=env)
        assert made.returncode == 0, made.stderr
        cast = json.loads(made.stdout.strip().splitlines()[-1])

        port = _free_port()
        server = Process(
            [
                str(BIN / "gunicorn"),
                "praxis.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            env,
            tmp_path / "server.log",
        )
        worker = Process([str(BIN / "praxis"), "worker"], env, tmp_path / "worker.log")
        out: dict[str, list[Any]] = {"acknowledged": [], "cut_off": [], "other": []}
        desks = [FrontDesk(port, cast, out) for _ in range(2)]
        try:
            server.start()
            for desk in desks:
                desk.start()
            worker.start()
            # The worker's first tick sends every due reminder; kill it half-way through.
            _wait_until(lambda: len(_sms_refs(outbox)) >= 10, "the first reminders")
            worker.kill()
            sent_before_kill = len(_sms_refs(outbox))
            assert sent_before_kill < DUE_REMINDERS, "the reminder run ended before the kill"

            _wait_until(lambda: len(out["acknowledged"]) >= BOOKINGS_BEFORE_KILL, "bookings")
            server.kill()
            time.sleep(0.3)  # the desks meet a dead server
            server.start()
            worker.start()
            _wait_until(lambda: len(out["acknowledged"]) >= BOOKINGS, "bookings after restart")
            for desk in desks:
                desk.stop.set()
            for desk in desks:
                desk.join(timeout=20)

            def reminders_settled() -> bool:
                rows = query(database, "SELECT outcome FROM scheduling_remindersent")
                in_flight = sum(1 for (o,) in rows if o in ("claimed", "sending"))
                return len(rows) == DUE_REMINDERS and in_flight <= 1

            _wait_until(reminders_settled, "the restarted worker's reminders")
        finally:
            for desk in desks:
                desk.stop.set()
            server.kill()
            worker.kill()

        assert out["other"] == [], out["other"]
        assert out["cut_off"], "the server was killed while no request was in flight"
        acknowledged = set(out["acknowledged"])
        booked = dict(
            query(
                database,
                f"SELECT id, appointment_type_id FROM scheduling_appointment "
                f"WHERE appointment_type_id = {cast['type']}",
            )
        )
        held = {
            a
            for (a,) in query(database, "SELECT appointment_id FROM scheduling_appointmentresource")
        }
        audited = {
            int(o)
            for (o,) in query(
                database,
                "SELECT object_id FROM core_auditevent "
                "WHERE action = 'praxis.scheduling.appointment.booked'",
            )
        }
        assert acknowledged <= set(booked), "an acknowledged booking is missing"
        assert set(booked) <= held, "a visit lost its room hold"
        assert set(booked) <= audited, "a visit has no audit event"
        verified = praxis("audit", "verify", env=env)
        assert verified.returncode == 0, verified.stderr + verified.stdout
        if database["ENGINE"].endswith("sqlite3"):
            assert query(database, "PRAGMA integrity_check") == [("ok",)]

        texted = Counter(_sms_refs(outbox))
        assert max(texted.values()) == 1, "a reminder went out twice"
        outcomes = dict(
            query(database, "SELECT appointment_id, outcome FROM scheduling_remindersent")
        )
        recorded_sent = {a for a, o in outcomes.items() if o == "sent"}
        assert recorded_sent <= set(texted)
        # What went out without being recorded is only what the killed worker was sending.
        assert {outcomes[a] for a in set(texted) - recorded_sent} <= {"sending"}
        assert len(recorded_sent) >= DUE_REMINDERS - 1
