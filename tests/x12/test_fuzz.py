"""Whatever bytes arrive, the reader either understands them or raises X12Error: never another
exception. Random garbage, and valid files mutated the ways real files break (segments dropped,
duplicated or cut short, delimiters swapped, non-ASCII bytes)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praxis.x12.errors import X12Error
from praxis.x12.report import describe

from .files import REMITTANCES, TESTDATA

ACKS = [
    "imsweb-x12-parser/x12_999_accepted.txt",
    "imsweb-x12-parser/x12_277CA_accepted.txt",
    "badx12/X222-commercial-health-insurance.edi",
]
VALID = [
    (TESTDATA / name).read_bytes() for name in [*REMITTANCES, *ACKS] if (TESTDATA / name).is_file()
] or [b"ST*835*1~BPR*I*5*C*CHK~TRN*1*9*1~CLP*A*1*5*5~SE*5*1~"]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(data: bytes) -> None:
    try:
        shape = describe(data)
    except X12Error as error:
        assert str(error)
    else:
        assert shape["transaction"]


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes(data):
    read_or_refuse(data)


@FUZZ
@given(st.text(alphabet="ISTBPRCLAV0123456789*~:^>|\n\r -.", max_size=400))
def test_x12_looking_garbage(text):
    read_or_refuse(text.encode())


@FUZZ
@given(st.text(max_size=200))
def test_a_valid_isa_followed_by_garbage(text):
    isa = VALID[0][:106]
    read_or_refuse(isa + text.encode("utf-8", "surrogatepass"))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(VALID))
    terminator = b"~"
    segments = data.split(terminator)
    for _ in range(draw(st.integers(1, 4))):
        if not segments:
            break
        at = draw(st.integers(0, len(segments) - 1))
        how = draw(st.sampled_from(["drop", "duplicate", "truncate", "bytes", "swap"]))
        if how == "drop":
            del segments[at]
        elif how == "duplicate":
            segments.insert(at, segments[at])
        elif how == "truncate":
            segments[at] = segments[at][: draw(st.integers(0, max(len(segments[at]) - 1, 0)))]
        elif how == "bytes":
            noise = draw(
                st.binary(min_size=1, max_size=4).filter(lambda b: any(x > 127 for x in b))
            )
            cut = draw(st.integers(0, len(segments[at])))
            segments[at] = segments[at][:cut] + noise + segments[at][cut:]
        else:
            old, new = (
                draw(st.sampled_from([b"*", b":", b">", b"^"])),
                draw(st.sampled_from([b"*", b":", b"|", b"~"])),
            )
            segments[at] = segments[at].replace(old, new)
    result = terminator.join(segments)
    if draw(st.booleans()):
        result = result[: draw(st.integers(0, len(result)))]
    return result


@FUZZ
@given(mutated())
def test_valid_files_mutated(data):
    read_or_refuse(data)
