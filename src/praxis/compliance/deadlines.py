"""Breach notification deadlines (45 CFR 164.404, 164.406, 164.408, 164.412): a pure function
of the discovery date, the people affected per state and a law-enforcement delay.

- **Individuals** (164.404(b)): without unreasonable delay and no later than 60 calendar days
  after discovery.
- **Media** (164.406): for each state or jurisdiction with *more than* 500 residents affected
  (501 or more), prominent media outlets serving it, on the same 60-day limit.
- **HHS** (164.408): 500 or more affected in all: at the same time as the individuals (60
  days); fewer than 500: in the practice's yearly log, no later than 60 days after the end of the
  calendar year of discovery (Dec 31 + 60 days: March 1, or February 29 in a leap year).
- **Law-enforcement delay** (164.412): an official's statement that notice would impede an
  investigation delays each notice "for the time period specified". Our reading, written down
  because the rule does not say how the clock runs: the delay *postpones* the notice, it does not
  restart or toll the 60 days. So each notice may not go out before the day the delay ends, and
  is due on the later of its own deadline and that day (``delay_ends_on`` is the first day a
  notice may be given). A delay that ends before a deadline changes nothing. The practice must
  still notify "without unreasonable delay" once the delay ends; Praxis shows the day it ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

NOTICE_DAYS = 60
MEDIA_THRESHOLD = 500  # media notice when MORE than this many residents of one state
HHS_THRESHOLD = 500  # HHS within 60 days when this many OR MORE in all


@dataclass(frozen=True)
class Deadline:
    recipient: str  # "individuals" | "media" | "hhs"
    state: str  # the state, for a media notice; "" otherwise
    due: date
    not_before: date | None  # a law-enforcement delay: no notice before this day
    rule: str  # the regulation, for the page


def breach_deadlines(
    *,
    discovered_on: date,
    affected_total: int,
    affected_by_state: Mapping[str, int],
    delay_ends_on: date | None = None,
) -> list[Deadline]:
    """Every notice a breach calls for, with its due date: individuals, media per state (in
    state order), then HHS."""
    sixty = discovered_on + timedelta(days=NOTICE_DAYS)

    def postponed(due: date) -> date:
        return max(due, delay_ends_on) if delay_ends_on is not None else due

    deadlines = [Deadline("individuals", "", postponed(sixty), delay_ends_on, "45 CFR 164.404(b)")]
    for state, count in sorted(affected_by_state.items()):
        if count > MEDIA_THRESHOLD:
            deadlines.append(
                Deadline("media", state, postponed(sixty), delay_ends_on, "45 CFR 164.406(b)")
            )
    if affected_total >= HHS_THRESHOLD:
        hhs_due, rule = sixty, "45 CFR 164.408(b)"
    else:
        hhs_due = date(discovered_on.year, 12, 31) + timedelta(days=NOTICE_DAYS)
        rule = "45 CFR 164.408(c)"
    deadlines.append(Deadline("hhs", "", postponed(hhs_due), delay_ends_on, rule))
    return deadlines
