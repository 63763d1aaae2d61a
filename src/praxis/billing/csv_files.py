"""Reading a CSV file a person uploads, before any of it is believed: at most ``MAX_BYTES`` and
``MAX_ROWS``, UTF-8 text, exactly the expected header, and no cell a spreadsheet would run as a
formula. Every import is all or nothing: the file is checked whole, each wrong row named
("row 14: ..."; row 1 is the header, as in the spreadsheet), and nothing is written unless every
row is right."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from praxis.core.bounds import check_date
from praxis.core.service_support import ServiceError

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
MAX_ERRORS_SHOWN = 20
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


class RowError(ValueError):
    """A cell that is wrong; the message names the column and what is expected."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    cells: dict[str, str]


def read_rows(data: bytes, *, columns: Sequence[str], text_columns: Sequence[str]) -> list[Row]:
    """The file's rows, each cell trimmed; refuses the file, saying why, when it is too big, not
    UTF-8, headed wrong, too long, or holds formula cells or rows of the wrong width."""
    if len(data) > MAX_BYTES:
        raise ServiceError(
            f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it into smaller files."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(
            'The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8".'
        ) from None
    if "\x00" in text:
        raise ServiceError("The file holds NUL characters: it is not a CSV file.")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ServiceError(f"The file is not a readable CSV file ({exc}).") from None
    if not records:
        raise ServiceError("The file is empty.")
    header = [cell.strip().lower() for cell in records[0]]
    if header != list(columns):
        raise ServiceError(
            f"The first row must name the columns {', '.join(columns)} (in that order); "
            f"this file's first row is: {', '.join(records[0])[:200] or '(empty)'}."
        )
    body = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    if len(body) > MAX_ROWS:
        raise ServiceError(f"The file has {len(body):,} rows; import at most {MAX_ROWS:,} at once.")
    if not body:
        raise ServiceError("The file has a header but no rows.")
    rows: list[Row] = []
    errors: list[str] = []
    for number, record in body:
        if len(record) != len(columns):
            errors.append(f"row {number}: {len(record)} cells, expected {len(columns)}.")
            continue
        cells = {name: value.strip() for name, value in zip(columns, record, strict=True)}
        errors.extend(_formula_cells(number, cells, text_columns))
        rows.append(Row(number, cells))
    refuse_if(errors)
    return rows


def _formula_cells(number: int, cells: dict[str, str], text_columns: Sequence[str]) -> list[str]:
    found = []
    for name, value in cells.items():
        # "=" and "@" start a formula anywhere; "+" and "-" in a text cell (in a number, a sign)
        starts = ("=", "@", "+", "-") if name in text_columns else ("=", "@")
        if value.startswith(starts):
            found.append(
                f"row {number}: the {name} starts with {value[0]!r}, which a spreadsheet runs "
                "as a formula; remove it."
            )
    return found


def refuse_if(errors: list[str]) -> None:
    if not errors:
        return
    shown = errors[:MAX_ERRORS_SHOWN]
    if len(errors) > MAX_ERRORS_SHOWN:
        shown.append(f"… and {len(errors) - MAX_ERRORS_SHOWN} more. Nothing was imported.")
    else:
        shown.append("Nothing was imported.")
    raise ServiceError(shown)


# --- cells -----------------------------------------------------------------------------------


def whole_number(text: str, *, name: str, low: int, high: int) -> int:
    if not re.fullmatch(r"[0-9]{1,6}", text) or not low <= int(text) <= high:
        raise RowError(f"{name} must be a whole number ≥ {low} (at most {high}).")
    return int(text)


def day(text: str, *, name: str, required: bool) -> date | None:
    if not text:
        if required:
            raise RowError(f"{name} is required (a date like 01/31/2026 or 2026-01-31).")
        return None
    for pattern in DATE_FORMATS:
        try:
            value = datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
        try:
            return check_date(value)
        except ValueError as exc:
            raise RowError(f"{name}: {exc}") from None
    raise RowError(f"{name} {text!r} is not a date like 01/31/2026 or 2026-01-31.")


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""
