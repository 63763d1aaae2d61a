"""X12 5010 for Praxis: a pure Python library (no Django, no other praxis package).

Lenient reading, strict writing (DESIGN.md): ``tokenizer`` splits a file into segments with the
delimiters its ISA declares (or guessed when it has none); ``envelope`` groups them into
transaction sets, records warnings for wrong counts and control numbers, and writes envelopes;
``remittance`` reads 835s; ``acknowledgments`` reads 999s and 277CAs. Anything that cannot be
read raises ``X12Error``.
"""

from .errors import X12Error

__all__ = ["X12Error"]
