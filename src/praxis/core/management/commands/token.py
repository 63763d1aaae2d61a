from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from praxis.core import services
from praxis.core.models import ApiToken, User
from praxis.core.service_support import ServiceError


class Command(BaseCommand):
    help = (
        "API tokens: `praxis token create EMAIL [--name N] [--days D]` (D: at most "
        "PRAXIS_API_TOKEN_DAYS, also the default), `list EMAIL`, `revoke ID`."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("email")
        create.add_argument("--name", default="command line")
        create.add_argument("--days", type=int, default=None)
        listing = sub.add_parser("list")
        listing.add_argument("email")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            user = self._user(options["email"])
            days = options["days"]
            expires = timezone.now() + timedelta(days=days) if days else None
            try:
                issued = services.api_token_create(
                    user=user, name=options["name"], expires_at=expires
                )
            except ServiceError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(issued.secret)
            self.stderr.write(
                f"token {issued.token.pk} for {user.email}, expires "
                f"{issued.token.expires_at:%Y-%m-%d %H:%M} UTC; it will not be shown again"
            )
        elif action == "list":
            for t in ApiToken.objects.filter(user=self._user(options["email"])):
                state = "revoked" if t.revoked_at else ("expired" if not t.is_usable else "active")
                until = f"expires {t.expires_at:%Y-%m-%d}"
                self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{until}\t{state}")
        else:
            token = ApiToken.objects.filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError(f"no token {options['token_id']}")
            services.api_token_revoke(token=token)
            self.stdout.write(f"revoked token {token.pk}")

    def _user(self, email: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"no user {email}")
        return user
