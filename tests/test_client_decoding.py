"""Decoding response bodies: by orjson when the generated package's ``orjson`` extra is installed
(the test extra installs it), by json otherwise, to the same values and errors either way.

Values are compared by ``repr``, which tells 1 from 1.0, -0.0 from 0.0 and keeps NaN equal to
itself and dict keys in their order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aisa_dataforseo import _json
from hypothesis import given
from hypothesis import strategies as st
from loopback import LoopbackServer, call
from test_package_quality import fresh_python

RESPONSES = Path(__file__).parent / "responses"

# Bodies orjson alone would read wrongly or not at all; json reads each one, or refuses it.
AWKWARD = {
    "integer past 64 bits": b'{"id": 18446744073709551616}',
    "integer below -2**63": b"[-9223372036854775809]",
    "a 40-digit integer in a list": b'{"x": [1, 1234567890123456789012345678901234567890]}',
    "NaN and infinities": b'{"a": NaN, "b": [Infinity, -Infinity]}',
    "a float past the largest double": b"[1e400, -1.7976931348623157e309]",
    "lone surrogate escapes": b'{"text": "\\ud800 and \\udc00"}',
    "a byte order mark": '\ufeff{"a": 1}'.encode(),
    "UTF-16": '{"a": [1, "\u00e9"]}'.encode("utf-16"),
    "the largest 64-bit integers (19 digits or more go to json)": b"[18446744073709551615, -9223372036854775808]",
    "a long run of digits inside a string": b'{"id": "20240101123456789012345"}',
    "broken JSON": b'{"status_code": 200',
    "bytes that are not UTF-8": b'{"a": "\xff\xfe"}',
    "nothing at all": b"",
}
# Bodies orjson reads exactly as json does, and decodes itself.
ORDINARY = {
    "integers up to 18 digits": b"[999999999999999999, -999999999999999999, 0, -0]",
    "floats at the edges of the doubles": b"[5e-324, 2.2250738585072014e-308, 1.5e308, -0.0]",
    "a duplicated key": b'{"a": 1, "b": 2, "a": 3}',
    "escapes and non-ASCII text": '{"t": "tab\\t \\u00e9 \u00fc \\ud83d\\ude00 \\"q\\""}'.encode(),
}
BODIES = {**AWKWARD, **ORDINARY}


def outcome(decode: Callable[[bytes], Any], content: bytes) -> tuple[str, str]:
    """What ``decode`` makes of ``content``: its value's repr, or its error's type and message."""
    try:
        return "value", repr(decode(content))
    except ValueError as error:
        return "error", f"{type(error).__name__}: {error}"


@pytest.fixture(params=["orjson", "json"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "json":
        monkeypatch.setattr(_json, "_orjson_loads", None)
    else:
        assert _json._orjson_loads is not None, "the test extra installs orjson"
    return str(request.param)


@pytest.mark.parametrize("case", list(BODIES))
def test_a_body_decodes_as_json_decodes_it(decoder: str, case: str) -> None:
    content = BODIES[case]
    assert outcome(_json.loads, content) == outcome(json.loads, content)


def test_integers_past_64_bits_stay_exact_integers() -> None:
    decoded = _json.loads(b'{"big": 18446744073709551616, "small": -9223372036854775809}')
    assert decoded == {"big": 2**64, "small": -(2**63) - 1}
    assert all(type(value) is int for value in decoded.values())


def test_orjson_decodes_the_bodies_it_reads_as_json_does(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[bytes] = []
    orjson_loads = _json._orjson_loads
    assert orjson_loads is not None

    def recording(content: bytes) -> Any:
        handed.append(content)
        return orjson_loads(content)

    monkeypatch.setattr(_json, "_orjson_loads", recording)
    for content in ORDINARY.values():
        _json.loads(content)
    assert handed == list(ORDINARY.values())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=24,
)


@given(
    value=JSON_VALUES,
    ascii_only=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_any_json_text_decodes_as_json_decodes_it(
    value: Any, ascii_only: bool, encoding: str
) -> None:
    # Unbounded integers, NaN, infinities and lone surrogates (escaped, or as raw bytes that are
    # not UTF-8) are all drawn: each is a case where orjson alone would differ.
    content = json.dumps(value, ensure_ascii=ascii_only).encode(encoding, "surrogatepass")
    assert outcome(_json.loads, content) == outcome(json.loads, content)


# Filler for the digit-run check: text with no digits, text that makes the stride-9 sampling give
# up (dates), text that makes the stride-4 one give up ("1-", a digit at every even offset), both
# (then every byte is read), and digit runs just short of 19 that neighbouring digits may lengthen.
FILLERS = {
    "urls": b'"https://www.example.com/path/page", ',
    "dates": b'"2017-01-24 13:20:59 +00:00", ',
    "dashes": b"1-" * 24,
    "dates and dashes": b'"2017-01-24 13:20:59 +00:00", ' + b"1-" * 24,
    "17 digits": b"12345678901234567",
    "one digit": b"9",
    "space": b" ",
}
LONG_RUN = re.compile(rb"[0-9]{19}")


@given(
    pieces=st.lists(st.sampled_from(list(FILLERS.values())), max_size=48),
    run=st.integers(min_value=0, max_value=24),
    at=st.integers(min_value=0),
)
def test_the_digit_run_check_finds_what_a_full_scan_finds(
    pieces: list[bytes], run: int, at: int
) -> None:
    filler = b"".join(pieces)
    at %= len(filler) + 1
    content = filler[:at] + b"5" * run + filler[at:]
    assert _json._has_long_digit_run(content) == (LONG_RUN.search(content) is not None)


@pytest.mark.parametrize("filler", list(FILLERS))
def test_an_integer_past_64_bits_is_exact_at_every_offset_in_any_text(filler: str) -> None:
    # Every offset against both strides; with each filler before it, the integer is found by
    # the stride-9 sampling (urls), the stride-4 one (dates) or by reading every byte (dates and
    # dashes, at most offsets).
    padding = FILLERS[filler] * 40
    for offset in range(40):
        pad = json.dumps(padding[offset:].decode()).encode()
        content = b'{"pad": %s, "n": -18446744073709551617}' % pad
        assert outcome(_json.loads, content) == outcome(json.loads, content), offset
        assert _json.loads(content)["n"] == -(2**64) - 1


def test_without_orjson_the_package_decodes_with_json(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['orjson'] = None\n"  # makes `import orjson` fail
        "from aisa_dataforseo import _json\n"
        "assert _json._orjson_loads is None\n"
        "print(repr(_json.loads(b'{\"a\": [1, 2.5, null, 18446744073709551616]}')))\n"
    )
    result = fresh_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr({"a": [1, 2.5, None, 2**64]})


def test_a_response_keeps_an_integer_past_64_bits_exact(
    flavour: str, server: LoopbackServer
) -> None:
    body = json.loads((RESPONSES / "backlinks_history_live.json").read_text(encoding="utf-8"))
    body["tasks"][0]["x_new_counter"] = 2**70
    server.reply_json(body)
    response = call(flavour, server, "backlinks.history_live", target="techcrunch.com")
    kept = response.to_dict()["tasks"][0]["x_new_counter"]
    assert kept == 2**70 and type(kept) is int
