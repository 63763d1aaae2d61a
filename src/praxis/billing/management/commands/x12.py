"""``praxis x12 parse FILE``: what the X12 reader understands of a file, as JSON on stdout.

The command only calls the pure ``praxis.x12`` package (no database is touched). A file that
cannot be read exits with status 2 and one line ``X12Error: <segment and reason>`` on stderr,
never a traceback (docs/guide/x12.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.x12 import errors
from praxis.x12.report import describe

UNREADABLE = 2


class X12Error(CommandError):
    """Django prints a command's error as ``<class name>: <message>``: this one reads
    ``X12Error: segment 7: …`` and exits with status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=UNREADABLE)


class Command(BaseCommand):
    help = (
        "X12 files. `praxis x12 parse FILE` prints what the reader understood of an 835 "
        "remittance, a 999 or 277CA acknowledgment or an 837P claim file as JSON on stdout "
        "(FILE '-' reads stdin); "
        "a file it cannot read exits with status 2 and one line 'X12Error: …' on stderr."
    )

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        parse = actions.add_parser("parse", help="print an 835, 999, 277CA or 837P file as JSON")
        parse.add_argument("file", help="the X12 file, or - for standard input")

    def handle(self, *args: Any, action: str, file: str, **options: Any) -> None:
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise X12Error(f"cannot read {file}: {exc.strerror or exc}") from exc
        try:
            shape = describe(data)
        except errors.X12Error as exc:
            raise X12Error(str(exc)) from exc
        self.stdout.write(json.dumps(shape, indent=2))
