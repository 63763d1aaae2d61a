"""Loading an ICD-10-CM release into the code table: from the installed ``simple_icd_10_cm``
package (its April 2026 tabular list) or from a CDC order file a practice downloads
(``icd10cm_order_2027.txt``). Each release is kept beside the earlier ones, so a claim for a visit
before October 1 is coded from the release in force on its date.

Importing the package costs seconds and ~150 MB: it happens here, in a command or the demo seeder,
never while answering a request.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.service_support import ServiceError

from .models import Icd10Code, Icd10Release
from .models.codes import ICD10_CODE, search_text

BATCH = 5000
MAX_ERRORS_SHOWN = 1  # a CDC file is machine-made: the first bad line says what is wrong


@dataclass(frozen=True)
class CodeRow:
    code: str  # without the dot
    description: str
    billable: bool


@dataclass(frozen=True)
class ReleaseData:
    label: str
    source: str
    effective_from: date
    rows: list[CodeRow]


@dataclass(frozen=True)
class LoadResult:
    release: Icd10Release
    loaded: bool  # False: that release was already in the table and nothing was written


# --- reading ---------------------------------------------------------------------------------

# The CDC order file, fixed width: order number (5 digits), space, code (padded to 7), space,
# billable (0/1), space, short description (60), space, long description.
_ORDER_LINE = re.compile(
    r"(?P<order>[0-9]{5}) (?P<code>[0-9A-Z][0-9A-Z ]{6}) (?P<billable>[01]) "
    r"(?P<short>.{60}) (?P<long>.*)"
)


def read_order_file(path: Path, *, effective_from: date, label: str = "") -> ReleaseData:
    """The codes of a CDC order file; refuses the whole file, naming the first bad line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ServiceError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        bad_line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ServiceError(f"line {bad_line}: not UTF-8 text; is this the CDC order file?") from exc
    rows: list[CodeRow] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        rows.append(_order_row(number, line, seen))
    if not rows:
        raise ServiceError(f"{path.name} holds no codes.")
    return ReleaseData(
        label=label or f"ICD-10-CM from {path.name}",
        source=path.name,
        effective_from=effective_from,
        rows=rows,
    )


def _order_row(number: int, line: str, seen: set[str]) -> CodeRow:
    match = _ORDER_LINE.fullmatch(line)
    if match is None:
        raise ServiceError(
            f"line {number}: not in the order file's layout (order number, code, 0 or 1, "
            f"short and long description in fixed columns): {line[:40]!r}"
        )
    code = match["code"].strip()
    if not ICD10_CODE.fullmatch(code):
        raise ServiceError(f"line {number}: {code!r} is not an ICD-10-CM code.")
    if code in seen:
        raise ServiceError(f"line {number}: {code} appears twice.")
    seen.add(code)
    description = match["long"].strip() or match["short"].strip()
    if not description:
        raise ServiceError(f"line {number}: {code} has no description.")
    return CodeRow(code=code, description=description, billable=match["billable"] == "1")


_PACKAGE_FILE = re.compile(r"icd10c-tabular-(?P<month>[A-Za-z]+)-(?P<day>\d+)-(?P<year>\d{4})\.xml")


def read_package() -> ReleaseData:
    """The release the ``simple_icd_10_cm`` wheel ships: every category and subcategory (not the
    chapters and blocks, which are headings, not codes), leaf codes billable."""
    import simple_icd_10_cm as icd  # slow (seconds): only when a release is loaded

    data_dir = Path(icd.__file__).parent / "data"
    found = [m for p in sorted(data_dir.glob("*.xml")) if (m := _PACKAGE_FILE.fullmatch(p.name))]
    if not found:
        raise ServiceError(f"No tabular list found in {data_dir}.")
    match = found[-1]
    month = list(calendar.month_name).index(match["month"].capitalize())
    effective_from = date(int(match["year"]), month, int(match["day"]))
    rows = [
        CodeRow(code=code, description=icd.get_description(code), billable=icd.is_leaf(code))
        # a block named like its one category (B10) is listed twice: keep the code once
        for code in dict.fromkeys(icd.get_all_codes(with_dots=False))
        if icd.is_category_or_subcategory(code)
    ]
    return ReleaseData(
        label=f"ICD-10-CM {effective_from:%B} {effective_from.day}, {effective_from.year}",
        source=f"simple_icd_10_cm: {match.group(0)}",
        effective_from=effective_from,
        rows=rows,
    )


# --- writing ---------------------------------------------------------------------------------


def icd10_release_load(*, data: ReleaseData) -> LoadResult:
    """Add a release beside the others; the one before it now ends the day before it starts.
    A release already loaded (same first day) is left as it is and nothing is written."""
    with transaction.atomic():
        existing = Icd10Release.objects.filter(effective_from=data.effective_from).first()
        if existing is not None:
            return LoadResult(existing, loaded=False)
        release = Icd10Release.objects.create(
            label=data.label,
            source=data.source,
            effective_from=data.effective_from,
            code_count=len(data.rows),
            loaded_at=timezone.now(),
        )
        for start in range(0, len(data.rows), BATCH):
            Icd10Code.objects.bulk_create(
                Icd10Code(
                    release=release,
                    code=row.code,
                    description=row.description[:400],
                    billable=row.billable,
                    search_text=search_text(row.description)[:420],
                )
                for row in data.rows[start : start + BATCH]
            )
        _chain_validity()
        release.refresh_from_db()
        audit.record(
            "praxis.billing.icd10_release.loaded",
            obj=release,
            details={"label": release.label, "codes": release.code_count},
        )
    return LoadResult(release, loaded=True)


def _chain_validity() -> None:
    """Each release is in force until the day before the next one starts; the last, until
    further notice."""
    releases = list(Icd10Release.objects.order_by("effective_from"))
    for release, following in zip(releases, [*releases[1:], None], strict=True):
        end = following.effective_from - timedelta(days=1) if following else None
        if release.effective_to != end:
            release.effective_to = end
            release.save(update_fields=["effective_to"])
