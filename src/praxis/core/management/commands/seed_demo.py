from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from praxis.core.demo import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Create the demo practice (idempotent). Passwords are printed only in demo mode."

    def handle(self, *args: Any, **options: Any) -> None:
        practice = seed_demo()
        self.stdout.write(f"Demo practice ready: {practice.name}")
        if not settings.DEMO_MODE:
            self.stdout.write("Not in demo mode (PRAXIS_PROFILE=demo): demo passwords not shown.")
            return
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD!r}):")
        for role, email, needs_code in demo_logins():
            note = (
                f"  + code: PRAXIS_PROFILE=demo .venv/bin/praxis demo-code {email}"
                if needs_code
                else ""
            )
            self.stdout.write(f"  {role:<24} {email}{note}")
        self.stdout.write("")
        self.stdout.write(f"Open {settings.PRAXIS_BASE_URL}/ and sign in.")
