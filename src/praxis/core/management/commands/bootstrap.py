from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.core import services
from praxis.core.invitations import invitation_path
from praxis.core.models import Practice, User
from praxis.core.roles import ADMINISTRATOR


class Command(BaseCommand):
    help = (
        "First start of a new installation: create the practice and its first Administrator "
        "and print the link where they choose a password."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--practice", required=True, help="the practice's name")
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="the Administrator's full name")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            raise CommandError("This installation already has users; invite more from the app.")
        practice = Practice(
            name=options["practice"],
            legal_name=options["practice"],
            group_npi="",
            tin="",
            taxonomy_code="",
            phone="",
            address_line1="",
            city="",
            state="",
            postal_code="",
        )
        # Identity fields are completed on the Practice settings page after the first sign-in.
        practice.save()
        user = services.user_invite(
            practice=practice,
            email=options["email"],
            full_name=options["name"],
            roles=[ADMINISTRATOR],
            invited_by=None,
        )
        from django.conf import settings

        self.stdout.write(f"Administrator {user.email} created. Choose a password at:")
        self.stdout.write(settings.PRAXIS_BASE_URL + invitation_path(user))
