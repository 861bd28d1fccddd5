"""Decoding response bodies: by orjson when it is installed, by the standard library otherwise.

The ``orjson`` extra decodes a large page two to three times faster than ``json.loads``, and a
page of a thousand items is mostly decoding. Whichever decodes, :func:`loads` gives what
``json.loads`` gives, value for value, and raises what it raises.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

__all__ = ["loads"]

_orjson_loads: Callable[[bytes], Any] | None
try:
    # Imported by name so that type checkers need no stubs for a package that may be absent.
    _orjson_loads = importlib.import_module("orjson").loads
except ImportError:
    _orjson_loads = None

# orjson reads an integer past 64 bits as a float, losing its last digits. Every such integer
# has at least 19 digits in a row; so does little else (long ids in strings, which then go to
# the standard library, as slower and as right as before).
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_RUN = 19
_LONG_DIGIT_RUN = b"0" * _RUN
# Looking at every byte costs a third of what orjson takes to read a page of URLs. A run of 19
# digits covers 19 // stride bytes in a row of every stride-th byte, so a sample is searched
# first, and only the places where it shows such a row are looked at closely. Digit-dense text
# (dates, UUIDs) shows many at stride 9 and few at stride 4; past ``patience`` places, the next
# sampling takes over, and the last looks at every byte: never much worse than that alone.
_SAMPLINGS = ((9, 8), (4, 8))  # (stride, patience)


def _has_long_digit_run(content: bytes) -> bool:
    for stride, patience in _SAMPLINGS:
        found = _sampled_search(content, stride, patience)
        if found is not None:
            return found
    return _LONG_DIGIT_RUN in content.translate(_DIGITS_AS_ZEROS)


def _sampled_search(content: bytes, stride: int, patience: int) -> bool | None:
    """Whether ``content`` has 19 digits in a row, from its every ``stride``-th byte and a close
    look around at most ``patience`` places; None when more places than that need one."""
    covered = _RUN // stride
    row = b"0" * covered
    sample = content[::stride].translate(_DIGITS_AS_ZEROS)
    at = sample.find(row)
    for _ in range(patience):
        if at == -1:
            return False
        # Any run through sampled bytes at .. at + covered - 1 lies within these bounds.
        start = max(stride * (at + covered - 1) - (_RUN - 1), 0)
        if _LONG_DIGIT_RUN in content[start : stride * at + _RUN].translate(_DIGITS_AS_ZEROS):
            return True
        at = sample.find(row, at + 1)
    return False if at == -1 else None


def loads(content: bytes) -> Any:
    """``json.loads(content)``: the same value and the same errors, by orjson when it can."""
    if _orjson_loads is not None and not _has_long_digit_run(content):
        try:
            return _orjson_loads(content)
        except ValueError:
            # What orjson refuses, json may accept (NaN, 1e400, lone surrogates, a BOM, UTF-16),
            # and where neither does, json's error is the one callers already know.
            pass
    return json.loads(content)
