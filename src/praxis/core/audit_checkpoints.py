"""Signed checkpoints of the audit chain's head, kept in a file outside the database.

The chain cannot show that its newest seals were cut off: checkpoints can. Each is one line of
text, signed with the audit key; ``audit_chain.write_checkpoint`` adds one, and
``audit_chain.verify_chain`` checks the chain against every one (docs/adr/0004).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from . import datefmt
from .audit import UnknownAuditKey, sign, timestamp


@dataclass(frozen=True)
class ChainProblem:
    # "edited" | "deleted" | "inserted" | "reordered" | "unsealed" | "rewritten" | "truncated"
    # | "unknown-key" | "checkpoint"
    kind: str
    event_id: int  # 0 when the problem is not at one event
    message: str


def us_time(value: datetime) -> str:
    return f"{datefmt.datetime(value.astimezone(UTC))} UTC"


_CHECKPOINT_TAG = "praxis-audit-checkpoint "
_CHECKPOINT_LINE = re.compile(
    _CHECKPOINT_TAG + r"seq=(?P<seq>\d{1,18}) head=(?P<head>[0-9a-f]{64}) "
    r"at=(?P<at>\S+) key=(?P<key>[A-Za-z0-9._-]{1,16}) mac=(?P<mac>[0-9a-f]{64})"
)


def _is_checkpoint(text: str) -> bool:
    return text.startswith(_CHECKPOINT_TAG)


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that seal number ``seq`` of the chain had hash ``head`` at ``at``: one
    line of text, signed with the audit key, kept outside the database."""

    seq: int
    head: str
    at: datetime
    key_id: str
    mac: str = ""

    @property
    def signed_text(self) -> str:
        return (
            f"{_CHECKPOINT_TAG}seq={self.seq} head={self.head} at={timestamp(self.at)} "
            f"key={self.key_id}"
        )

    @property
    def line(self) -> str:
        return f"{self.signed_text} mac={self.mac}"

    @property
    def when(self) -> str:
        return us_time(self.at)

    @classmethod
    def sign(cls, *, seq: int, head: str, at: datetime) -> Checkpoint:
        unsigned = cls(seq=seq, head=head, at=at, key_id=settings.PRAXIS_AUDIT_KEY_ID)
        return replace(unsigned, mac=sign(unsigned.key_id, unsigned.signed_text))

    @classmethod
    def parse(cls, text: str) -> Checkpoint | None:
        """The checkpoint a line states, or None when it is malformed or its signature does not
        hold. Raises ``UnknownAuditKey``."""
        match = _CHECKPOINT_LINE.fullmatch(text)
        if match is None:
            return None
        try:
            at = datetime.fromisoformat(match["at"])
        except ValueError:
            return None
        # The signature covers the text as written, not as this code would render it again.
        signed_text = text[: text.rindex(" mac=")]
        if at.tzinfo is None or not hmac.compare_digest(
            sign(match["key"], signed_text), match["mac"]
        ):
            return None
        return cls(int(match["seq"]), match["head"], at, match["key"], match["mac"])


class CheckpointBook:
    """The checkpoints of one file, by the seal number they vouch for."""

    def __init__(self, path: Path, *, own: bool) -> None:
        self.path = path
        self.own = own  # the installation's own file, which the trail records every line of
        self.exists = path.exists()
        self.by_seq: dict[int, list[Checkpoint]] = {}
        self.signed: set[tuple[int, str]] = set()
        self.latest: Checkpoint | None = None
        self.problem: ChainProblem | None = None
        if self.exists:
            self._read()

    def _read(self) -> None:
        with self.path.open(encoding="utf-8", errors="replace") as file:
            for number, raw in enumerate(file, 1):
                text = raw.strip()
                # Another file (saved e-mails) may hold other text; the own file holds only
                # checkpoints, so a line made unreadable there is not quietly skipped.
                if not text or text.startswith("#") or not (self.own or _is_checkpoint(text)):
                    continue
                try:
                    checkpoint = Checkpoint.parse(text)
                except UnknownAuditKey as exc:
                    self.problem = ChainProblem(
                        "checkpoint",
                        0,
                        f"line {number} of {self.path} is signed with audit key {exc.args[0]!r}, "
                        "which is not configured (PRAXIS_AUDIT_RETIRED_KEYS keeps retired keys)",
                    )
                    return
                if checkpoint is None:
                    self.problem = ChainProblem(
                        "checkpoint",
                        0,
                        f"line {number} of {self.path} is not a checkpoint with a valid "
                        "signature: the file was edited",
                    )
                    return
                self.by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
                self.signed.add((checkpoint.seq, checkpoint.head))
                if self.latest is None or checkpoint.seq >= self.latest.seq:
                    self.latest = checkpoint
