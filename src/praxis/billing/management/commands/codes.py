from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.billing import icd10
from praxis.core.service_support import ServiceError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--effective-from: {text!r} is not a date like 2026-10-01.") from exc


class Command(BaseCommand):
    help = (
        "Code sets. `praxis codes load-icd10` loads the ICD-10-CM release of the installed "
        "simple_icd_10_cm package; `--file icd10cm_order_2027.txt --effective-from 2026-10-01` "
        "loads a CDC order file beside the releases already loaded. A release loaded before "
        "(same first day) is left alone."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load-icd10"])
        parser.add_argument("--file", type=Path, help="a CDC ICD-10-CM order file")
        parser.add_argument(
            "--effective-from", type=_day, help="the first day the file's release is in force"
        )
        parser.add_argument("--label", default="", help="the release's name, e.g. 'FY2027'")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        path: Path | None = options["file"]
        effective_from: date | None = options["effective_from"]
        if path is None and effective_from is not None:
            raise CommandError("--effective-from goes with --file.")
        if path is not None and effective_from is None:
            raise CommandError("--file needs --effective-from (the day the release takes effect).")
        try:
            if path is not None and effective_from is not None:
                data = icd10.read_order_file(
                    path, effective_from=effective_from, label=options["label"]
                )
            else:
                data = icd10.read_package()
            result = icd10.icd10_release_load(data=data)
        except ServiceError as exc:
            raise CommandError(f"Nothing loaded. {' '.join(exc.messages)}") from exc
        release = result.release
        if not result.loaded:
            self.stdout.write(
                f"{release.label} (in force from {release.effective_from:%m/%d/%Y}) is already "
                "loaded: nothing to do."
            )
            return
        self.stdout.write(
            f"Loaded {release.code_count:,} codes of {release.label}, in force from "
            f"{release.effective_from:%m/%d/%Y}."
        )
