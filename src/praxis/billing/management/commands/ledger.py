"""``praxis ledger check``: proves the journal balances and the open items agree with it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.billing.selectors import ledger_disagreements


class Command(BaseCommand):
    help = (
        "The ledger. `praxis ledger check` proves that all journal lines sum to zero, that every "
        "entry balances, and that every open item equals the journal to the cent; it exits "
        "non-zero naming the first disagreement."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["check"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        problems = ledger_disagreements(limit=1)
        if problems:
            raise CommandError(problems[0])
        self.stdout.write("The ledger balances and the open items agree with it to the cent.")
