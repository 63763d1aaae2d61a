"""Worker of the audit_append benchmark (Django configured from the environment):

- ``python -m bench._audit_append_worker setup <writers> <readers>``: migrate, load the fixture
  (one patient per writer and per reader), issue an API token for the Practice Manager and sign
  the manager in once per reader (a session each, as 32 browsers would have); prints the ids,
  the token and the session keys as one JSON line.
- ``python -m bench._audit_append_worker sealer <stop file>``: what the worker does while the load
  runs: seal pending audit events every few seconds (the worker's interval) until the stop file
  exists; prints how many events it sealed and its slowest run, as JSON.
- ``python -m bench._audit_append_worker check``: the number of audit events, and whether the
  whole trail verifies (``praxis audit verify``'s walk), as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import _fixture as fx


def _sessions(user_id: int, n: int) -> list[str]:
    from django.conf import settings
    from django.test import Client

    from praxis.core.models import User

    user = User.objects.get(pk=user_id)
    keys = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def _sealer(stop_file: Path) -> int:
    from praxis.core.audit_chain import seal_pending
    from praxis.core.periodic import AUDIT_SEAL_EVERY

    sealed, runs, slowest = 0, 0, 0.0
    while not stop_file.exists():
        started = time.perf_counter()
        sealed += seal_pending()
        took = time.perf_counter() - started
        runs, slowest = runs + 1, max(slowest, took)
        deadline = started + AUDIT_SEAL_EVERY.total_seconds()
        while time.perf_counter() < deadline and not stop_file.exists():
            time.sleep(0.05)
    print(json.dumps({"sealed": sealed, "runs": runs, "slowest_s": round(slowest, 4)}), flush=True)
    return 0


def main(argv: list[str]) -> int:
    fx.django_setup()
    if argv[0] == "setup":
        from praxis.core.models import User
        from praxis.core.services import api_token_create

        writers, readers = int(argv[1]), int(argv[2])
        fx.migrate()
        ids = fx.build_practice(1, n_patients=writers + readers)
        issued = api_token_create(user=User.objects.get(pk=ids["manager"]), name="bench")
        sessions = _sessions(ids["manager"], readers)
        fx.analyze()
        print(
            json.dumps({**ids, "token": issued.secret, "sessions": sessions, "db": fx.vendor()}),
            flush=True,
        )
        return 0
    if argv[0] == "sealer":
        return _sealer(Path(argv[1]))
    if argv[0] == "check":
        from praxis.core.audit_chain import verify_chain
        from praxis.core.models import AuditEvent

        report = verify_chain()
        problem = report.problem.message if report.problem else ""
        print(
            json.dumps({"events": AuditEvent.objects.count(), "ok": report.ok, "problem": problem}),
            flush=True,
        )
        return 0
    raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
