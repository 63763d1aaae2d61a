"""Worker of the booking_api benchmark (Django configured from the environment):

- ``python -m bench._booking_api_worker setup <providers>``: migrate, load the fixture, issue an
  API token for the Practice Manager; prints the ids and the token as one JSON line.
- ``python -m bench._booking_api_worker count <provider ids, comma-separated>``: the number of
  appointments of those providers, as JSON.
"""

from __future__ import annotations

import json
import sys

from . import _fixture as fx


def main(argv: list[str]) -> int:
    fx.django_setup()
    if argv[0] == "setup":
        from praxis.core.models import User
        from praxis.core.services import api_token_create

        fx.migrate()
        ids = fx.build_practice(int(argv[1]))
        issued = api_token_create(user=User.objects.get(pk=ids["manager"]), name="bench")
        fx.analyze()
        # What the raw_booking baseline needs to check and lock exactly as the service does.
        from praxis.scheduling.booking import _LOCK_PROVIDER
        from praxis.scheduling.models import ACTIVE_STATUSES, MAX_APPOINTMENT_MINUTES

        rules = {
            "active_statuses": [str(s) for s in ACTIVE_STATUSES],
            "max_appointment_minutes": MAX_APPOINTMENT_MINUTES,
            "lock_provider": _LOCK_PROVIDER,
        }
        print(json.dumps({**ids, **rules, "token": issued.secret, "db": fx.vendor()}), flush=True)
        return 0
    if argv[0] == "count":
        from praxis.scheduling.models import Appointment

        providers = [int(p) for p in argv[1].split(",")]
        count = Appointment.objects.filter(provider_id__in=providers).count()
        print(json.dumps({"count": count}), flush=True)
        return 0
    raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
