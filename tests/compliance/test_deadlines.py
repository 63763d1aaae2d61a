"""Breach notification deadlines, table by table (45 CFR 164.404 to 164.412)."""

from __future__ import annotations

from datetime import date

import pytest

from praxis.compliance.deadlines import breach_deadlines


def _due(deadlines, recipient: str, state: str = "") -> date | None:  # type: ignore[no-untyped-def]
    found = [d.due for d in deadlines if d.recipient == recipient and d.state == state]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("discovered", "individuals"),
    [
        (date(2026, 1, 1), date(2026, 3, 2)),  # 60 days across February (28 days)
        (date(2028, 1, 1), date(2028, 3, 1)),  # ... in a leap year (29 days)
        (date(2026, 11, 15), date(2027, 1, 14)),  # across the year's end
        (date(2026, 8, 31), date(2026, 10, 30)),  # from a month's last day
    ],
)
def test_individuals_are_due_60_calendar_days_after_discovery(discovered, individuals):
    deadlines = breach_deadlines(
        discovered_on=discovered, affected_total=10, affected_by_state={"VT": 10}
    )
    assert _due(deadlines, "individuals") == individuals


@pytest.mark.parametrize(
    ("by_state", "media_states"),
    [
        ({"VT": 500}, []),  # exactly 500: not MORE than 500
        ({"VT": 501}, ["VT"]),
        ({"VT": 501, "NH": 500, "NY": 900}, ["NY", "VT"]),  # per state, not in total
        ({"VT": 300, "NH": 300}, []),  # 600 in all, no state over 500
    ],
)
def test_media_notice_per_state_with_more_than_500_residents(by_state, media_states):
    deadlines = breach_deadlines(
        discovered_on=date(2026, 5, 1),
        affected_total=sum(by_state.values()),
        affected_by_state=by_state,
    )
    media = [d for d in deadlines if d.recipient == "media"]
    assert [d.state for d in media] == media_states
    assert all(d.due == date(2026, 6, 30) for d in media)


@pytest.mark.parametrize(
    ("discovered", "total", "hhs_due", "rule"),
    [
        (date(2026, 5, 1), 500, date(2026, 6, 30), "45 CFR 164.408(b)"),  # 500 or more: 60 days
        (date(2026, 5, 1), 1200, date(2026, 6, 30), "45 CFR 164.408(b)"),
        (date(2026, 5, 1), 499, date(2027, 3, 1), "45 CFR 164.408(c)"),  # yearly log: Mar 1
        (date(2027, 2, 10), 12, date(2028, 2, 29), "45 CFR 164.408(c)"),  # Dec 31 2027 + 60
        (date(2027, 12, 31), 1, date(2028, 2, 29), "45 CFR 164.408(c)"),
        (date(2028, 12, 31), 1, date(2029, 3, 1), "45 CFR 164.408(c)"),
    ],
)
def test_hhs_within_60_days_from_500_else_60_days_after_the_year(discovered, total, hhs_due, rule):
    deadlines = breach_deadlines(
        discovered_on=discovered, affected_total=total, affected_by_state={"VT": total}
    )
    hhs = [d for d in deadlines if d.recipient == "hhs"]
    assert len(hhs) == 1
    assert (hhs[0].due, hhs[0].rule) == (hhs_due, rule)


@pytest.mark.parametrize(
    ("delay_ends", "individuals", "media", "hhs"),
    [
        (None, date(2026, 6, 30), date(2026, 6, 30), date(2026, 6, 30)),
        # a delay ending before the deadlines changes nothing
        (date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 30), date(2026, 6, 30)),
        # a delay past the deadlines postpones each notice to the day it ends
        (date(2026, 8, 15), date(2026, 8, 15), date(2026, 8, 15), date(2026, 8, 15)),
    ],
)
def test_a_law_enforcement_delay_postpones_the_notices(delay_ends, individuals, media, hhs):
    deadlines = breach_deadlines(
        discovered_on=date(2026, 5, 1),
        affected_total=700,
        affected_by_state={"VT": 700},
        delay_ends_on=delay_ends,
    )
    assert _due(deadlines, "individuals") == individuals
    assert _due(deadlines, "media", "VT") == media
    assert _due(deadlines, "hhs") == hhs
    assert all(d.not_before == delay_ends for d in deadlines)


def test_a_delay_postpones_the_yearly_hhs_log_only_when_it_ends_later():
    deadlines = breach_deadlines(
        discovered_on=date(2026, 5, 1),
        affected_total=20,
        affected_by_state={"VT": 20},
        delay_ends_on=date(2027, 4, 1),
    )
    assert _due(deadlines, "hhs") == date(2027, 4, 1)
    assert _due(deadlines, "individuals") == date(2027, 4, 1)
