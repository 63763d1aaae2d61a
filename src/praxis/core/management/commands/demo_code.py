from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from praxis.core.demo import current_code


class Command(BaseCommand):
    help = "Demo mode only: print the current two-step sign-in code of a demo user."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo-code works only with PRAXIS_PROFILE=demo.")
        try:
            self.stdout.write(current_code(email))
        except Exception as exc:
            raise CommandError(f"{email} has no authenticator set up.") from exc
