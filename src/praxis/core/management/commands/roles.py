from typing import Any

from django.core.management.base import BaseCommand

from praxis.core.roles import ROLES, matrix, permissions_for, sync_role_groups


class Command(BaseCommand):
    help = (
        "Roles: `praxis roles sync` makes the groups match the role matrix (core's rows and every "
        "app's); `praxis roles show` prints it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["sync", "show"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "sync":
            sync_role_groups()
            self.stdout.write(f"{len(ROLES)} role groups in step with the matrix.")
            return
        for perm in matrix():
            holders = [r.label for r in ROLES if perm in permissions_for(r)]
            self.stdout.write(f"{perm:<28} {', '.join(holders)}")
