"""Constraints read out of documentation prose, as a table of patterns.

DataForSEO states its limits in running text ("maximum value: 1000", "the character limit is 255",
"you can specify up to 1000 pages", "minimum value equals today's date -(minus) one year"). Each
row of ``PATTERNS`` is one such phrasing: a regex, the spec key it yields and a converter from the
match to the spec-language value. To teach the importer a new phrasing, add a row.

Rows are tried in order and the first row that yields a value for a key wins, so a specific
phrasing goes above a general one. A row only fires for the parameter types its key applies to
(``constraints.APPLIES_TO``); on an array, the item-level keys (``format``, ``max_length``) are
read for the items and land under ``items``. The ``required`` row is not a constraint: it is
kept apart, as ``Reading.required`` (upstream's OpenAPI descriptions say it only in prose).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..constraints import APPLIES_TO, parse_date_bound

ITEM_KEYS = frozenset({"format", "max_length"})
"""Keys that, on an array parameter, constrain each item rather than the array."""

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_AMOUNT = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
_COUNT = r"(\d[\d,]*|" + "|".join(_NUMBER_WORDS) + r")"  # "1,000 pages", "three sorting rules"
_UNIT = r"(day|month|year)s?"
_TODAY = r"(?:the )?today[’'`]?s date"
# "today's date -(minus) one year", "today's date", "two years back from today's date"
_RELATIVE = (
    rf"(?:{_TODAY}\s*(?:([-+])\s*(?:\((?:minus|plus)\))?\s*{_AMOUNT}\s+{_UNIT})?"
    rf"|{_AMOUNT}\s+{_UNIT}\s+(back|ahead) from {_TODAY})"
)
_ISO_DATE = r"(\d{4}-\d{2}-\d{2})"
_NUMBER = r"(-?\d[\d,]*(?:\.\d+)?)(?![\w-])"
_BOUND = r"(-?\d[\d,]*(?:\.\d+)?)"  # a number that may end where a dash starts: "240-9999"
# "within the following range: 240-9999", "possible values: from 1 to 4", "a level from 0 to 4"
_RANGE = (
    rf"(?:in the following range:?|possible values:?\s*from|specify a \w+ from)\s*{_BOUND}\s*(?:-|–|to)\s*{_BOUND}"
    r"(?![\w-])"
)
# What introduces a list of allowed values; a description may list several, one per case
# ("if you specify desktop ..., choose from the following values: windows, macos ...").
_VALUES = r"(?:possible values(?: for [^:;]{1,40})?|(?:can take|choose from|can specify) the following values)::?"
_TOKEN = r"[\"'“‘]?([\w.-]+)[\"'”’]?"
_LIST = r"((?:[^,\s]*,\s*)+[^,\s]+)"  # "a, b, c": items may be empty where a copy lost them
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_DATE_FORMAT = re.compile(r"date format:?\s*[\"“”']?yyyy-mm-dd[\"“”']?(?!\s*hh)", re.IGNORECASE)


class Context(NamedTuple):
    """What a converter may look at besides its match: the type read for and the keys found so far."""

    type: str
    found: dict[str, Any]


Convert = Callable[[re.Match[str], Context], Any]


@dataclass(frozen=True)
class Pattern:
    """One phrasing: ``convert`` returns the key's value, or None when the match does not apply."""

    regex: re.Pattern[str]
    key: str
    convert: Convert


@dataclass
class Reading:
    """Everything one description says: constraints in spec keys, notes for a human, how many
    items of a listed value the copy visibly lost (``{"filter.operators": 1}``), and whether it
    calls the parameter a required field."""

    constraints: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    lost: dict[str, int] = field(default_factory=dict)
    required: bool = False

    def spec_keys(self) -> dict[str, Any]:
        """The constraints, with each note as a ``"#key"`` entry (see ``constraints_from_prose``)."""
        return {**self.constraints, **{f"#{key}": note for key, note in self.notes.items()}}


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _integer(text: str) -> int:
    return int(text.replace(",", ""))


def _to_number(text: str) -> int | float:
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


def _number(match: re.Match[str], _: Context) -> int | float:
    return _to_number(match.group(1))


def _whole(match: re.Match[str], _: Context) -> int:
    return _integer(match.group(1))


def _count(match: re.Match[str], _: Context) -> int:
    """A count written in digits or in words: ``1,000``, ``three``."""
    text = match.group(1)
    return _NUMBER_WORDS.get(text.lower()) or _integer(text)


def _range_end(group: int) -> Convert:
    """One end of a ``_RANGE`` match: group 1 is the low end, group 2 the high one."""

    def convert(match: re.Match[str], _: Context) -> int | float:
        return _to_number(match.group(group))

    return convert


def _constant(value: Any) -> Convert:
    return lambda _match, _context: value


def _date(match: re.Match[str], _: Context) -> str:
    return match.group(1)


def relative_date(match: re.Match[str], offset: int = 1) -> str:
    """The spec's relative bound from a ``_RELATIVE`` match whose groups start at ``offset``."""
    sign, amount, unit, back_amount, back_unit, direction = match.groups()[offset - 1 : offset + 5]
    if back_amount is not None:
        sign, amount, unit = ("-" if direction.lower() == "back" else "+"), back_amount, back_unit
    if amount is None:
        return "today"
    count = _NUMBER_WORDS.get(amount.lower()) or int(amount)
    return f"today {sign} {count} {unit.lower()}{'s' if count != 1 else ''}"


def _relative(match: re.Match[str], _: Context) -> str:
    return relative_date(match)


def _default(match: re.Match[str], context: Context) -> dict[str, Any] | None:
    """``default value: X`` typed for the parameter; a value of the wrong type does not apply."""
    token = match.group(1).strip("“”\"'.,;")
    value: Any
    if context.type == "boolean":
        value = {"true": True, "false": False}.get(token.lower())
    elif context.type in ("integer", "number"):
        number = re.fullmatch(_NUMBER, token)
        value = _number(number, context) if number else None
    elif context.type == "date":
        value = token if parse_date_bound(token) is not None else None
    elif context.type == "string":
        value = token or None
    else:
        value = None
    return None if value is None else {"value": value, "applied_by": "server"}


def _default_from(key: str) -> Convert:
    """"the minimum value will be used by default": the default is the bound already read."""

    def convert(_match: re.Match[str], context: Context) -> dict[str, Any] | None:
        bound = context.found.get(key)
        return None if bound is None else {"value": bound, "applied_by": "server"}

    return convert


def _server_default(convert: Convert) -> Convert:
    def wrapped(match: re.Match[str], context: Context) -> dict[str, Any]:
        return {"value": convert(match, context), "applied_by": "server"}

    return wrapped


def _enum(match: re.Match[str], context: Context) -> list[Any] | None:
    """The union of every list of allowed values the description gives (see ``_values``)."""
    values: list[str] = []
    for chunk in re.split(_VALUES, match.group(1), flags=re.IGNORECASE):
        listed = _values(re.split(r"\bdefault value\b", chunk, maxsplit=1, flags=re.IGNORECASE)[0])
        if listed is None:
            return None  # a list the table cannot read: better no enum than a partial one
        values.extend(listed)
    if context.type in ("integer", "number"):
        if not all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in values):
            return None
        return list(dict.fromkeys(float(value) if "." in value else int(value) for value in values))
    return list(dict.fromkeys(values)) or None


def _values(text: str) -> list[str] | None:
    """One list: ``a — what a means b — what b means`` (em or en dash), ``a, b, c`` (quoted or not),
    or a lone value with nothing after it; None for anything else.

    A comma list must end where the text stops listing ("a, b, $c" is no list of a and b), and a
    lone word followed by prose ("aggregate returns data ...") is the start of a sentence.
    """
    described = re.findall(r"([\w.-]+) [—–] ", text)
    if described and re.match(r"\s*[\w.-]+ [—–] ", text):
        return described
    listed = re.match(rf"\s*({_TOKEN}(?:\s*,\s*{_TOKEN})+)(?![\w.-]|[\s\"'”’]*,)", text)
    if listed:
        return re.findall(_TOKEN, listed.group(1))
    lone = re.fullmatch(rf"\s*{_TOKEN}\s*[;.]?\s*", text)
    return [lone.group(1)] if lone else None


def _listed(match: re.Match[str], _: Context) -> list[str]:
    """A comma list as written, empty items included: they mark what a copy lost."""
    return [item.strip() for item in match.group(1).split(",")]


def _required_array(_match: re.Match[str], context: Context) -> int | None:
    # A required list must say something: an empty one asks for nothing.
    return 1 if context.type == "array" else None


# "required field if ..." makes a parameter depend on another one, which the spec language
# states as optional
_REQUIRED_FIELD = _rx(r"\brequired field\b(?!\s+if\b)")


def says_required(description: str) -> bool:
    """Whether the prose calls its parameter a required field (the page lost the separate line)."""
    return _REQUIRED_FIELD.search(normalize(description)) is not None


PATTERNS: tuple[Pattern, ...] = (
    Pattern(_REQUIRED_FIELD, "required", _constant(True)),
    # dates: relative bounds first, since "minimum value" alone also starts an absolute one
    Pattern(_rx(rf"minimum (?:value|date)(?: equals|:|\s)\s*{_RELATIVE}"), "min_date", _relative),
    Pattern(_rx(rf"minim(?:um|al)(?: possible)? (?:value|date)(?: equals| is|:)?\s*{_ISO_DATE}"), "min_date", _date),
    Pattern(_rx(rf"maximum (?:value|date)(?: equals|:|\s)\s*{_RELATIVE}"), "max_date", _relative),
    Pattern(_rx(rf"maximum (?:value|date)(?: equals|:)?\s*{_ISO_DATE}"), "max_date", _date),
    # numbers
    Pattern(_rx(rf"minimum value(?::| is)?\s*{_NUMBER}"), "minimum", _number),
    Pattern(_rx(rf"max(?:imum)? value(?::| is)?\s*{_NUMBER}"), "maximum", _number),
    Pattern(_rx(_RANGE), "minimum", _range_end(1)),
    Pattern(_rx(_RANGE), "maximum", _range_end(2)),
    # an offset counts the results to skip, so it cannot be negative
    Pattern(_rx(r"^offset\b"), "minimum", _constant(0)),
    # text length
    Pattern(_rx(r"character limit is (\d[\d,]*)"), "max_length", _whole),
    Pattern(_rx(r"(?:up to|no more than|maximum of) (\d[\d,]*) (?:characters|symbols)"), "max_length", _whole),
    Pattern(_rx(r"maximum (?:\w+ )?length:?\s*(\d[\d,]*)"), "max_length", _whole),
    # on a keyword list, the length of each keyword (an array reads it for its items)
    Pattern(_rx(r"maximum number of characters (?:for each|in a single|you can specify in a) \w+:?\s*(\d[\d,]*)"), "max_length", _whole),
    # array sizes
    Pattern(_rx(r"required field"), "min_items", _required_array),
    Pattern(_rx(r"maximum amount of \w+:\s*(\d[\d,]*)"), "max_items", _whole),
    Pattern(_rx(r"maximum number of (?:\w+ ){1,3}?you can specify(?: in this \w+(?: is|:)|:)?\s*(\d[\d,]*)"), "max_items", _whole),
    Pattern(_rx(r"(?:specify|set) (?:the |a )?maximum of (\d[\d,]*) (?!characters|symbols)\w+"), "max_items", _whole),
    # "in a single request": "specify no more than 1 keyword in the keywords field" limits another one
    Pattern(_rx(rf"no more than {_COUNT} (?!characters|symbols)\w+(?: \w+)? in a single request"), "max_items", _count),
    Pattern(_rx(r"up to (\d[\d,]*) (?!characters|symbols)\w+"), "max_items", _whole),
    # not the 8 of "UTF-8 encoding maximum number of keywords"
    Pattern(_rx(r"(?<![\w-])(\d[\d,]*) (?!filters|characters|symbols)\w+ maximum"), "max_items", _whole),
    Pattern(_rx(r"cannot belong to more than (\d[\d,]*) different domains"), "distinct_domains", _whole),
    # formats: a target is a domain (bare) or a page (absolute URL)
    Pattern(_rx(r"^(?=.*without https://)(?=.*absolute url)"), "format", _constant("target")),
    Pattern(_rx(r"without https://"), "format", _constant("domain")),
    Pattern(_rx(r"relative urls? only"), "format", _constant("relative_url")),
    Pattern(_rx(r"absolute url"), "format", _constant("absolute_url")),
    Pattern(_rx(rf"example:?\s*[\"“”']?{_UUID}\b|\bin the uuid format"), "format", _constant("uuid")),
    # listed values
    Pattern(_rx(rf"{_VALUES}\s*(.*)"), "enum", _enum),
    # defaults: relative dates, then "the minimum value will be used by default", then a literal
    Pattern(_rx(rf"default value:?\s*{_RELATIVE}"), "default", _server_default(_relative)),
    Pattern(_rx(r"the minimum value will be used by default"), "default", _default_from("min_date")),
    Pattern(_rx(r"the minimum value will be used by default"), "default", _default_from("minimum")),
    Pattern(_rx(rf"{_TODAY} will be used by default"), "default", _server_default(_constant("today"))),
    # the colon tells "default value: 10" from "9z will be applied as a default value the ..."
    Pattern(_rx(r"default value:\s*(\S+)"), "default", _default),
    # the on_page filter expression: [field, operator, value] conditions joined by connectives
    Pattern(_rx(r"(\d[\d,]*) filters maximum"), "filter.max_conditions", _whole),
    Pattern(_rx(rf"following operators are supported:\s*{_LIST}"), "filter.operators", _listed),
    Pattern(_rx(r"logical operators?\s+((?:\w+,\s*)*\w+)\s+between"), "filter.connectives", _listed),
)

_APPLIES = {
    **APPLIES_TO,
    "default": frozenset({"string", "integer", "number", "boolean", "date"}),
    "required": frozenset({"string", "integer", "number", "boolean", "date", "object", "array"}),
}


def normalize(description: str) -> str:
    """One line, single spaces: pages and OpenAPI descriptions break lines in different places."""
    return " ".join(description.split())


def param_type(description: str, type_name: str) -> str:
    """The spec type for a documented one: a string whose prose gives a date format is a ``date``."""
    if type_name == "string" and _DATE_FORMAT.search(normalize(description)):
        return "date"
    return type_name


def read_prose(description: str, type_name: str) -> Reading:
    """Every pattern in ``PATTERNS`` applied to one description (see ``constraints_from_prose``)."""
    text = normalize(description)
    kind = param_type(text, type_name)
    flat: dict[str, Any] = {}
    for pattern in PATTERNS:
        key, read_as = pattern.key, kind
        if kind == "array" and key in ITEM_KEYS:
            key, read_as = f"items.{key}", "string"
        if key in flat or read_as not in _APPLIES[pattern.key.split(".")[0]]:
            continue
        match = pattern.regex.search(text)
        if match is None:
            continue
        value = pattern.convert(match, Context(read_as, flat))
        if value is not None:
            flat[key] = value
    return _nest(flat)


def _nest(flat: dict[str, Any]) -> Reading:
    reading = Reading(required=flat.pop("required", False))
    for key, value in flat.items():
        head, _, tail = key.partition(".")
        if not tail:
            reading.constraints[head] = value
            continue
        if isinstance(value, list):
            lost = value.count("")
            if lost:
                value = [item for item in value if item]
                reading.lost[key] = lost
                reading.notes[head] = (
                    f"the page lists {lost} empty {tail.rstrip('s')}{'s' if lost > 1 else ''} in "
                    f"{tail} (lost when it was copied); check the upstream description"
                )
        reading.constraints.setdefault(head, {})[tail] = value
    if "filter" in reading.constraints:
        missing = [part for part in ("max_conditions", "operators", "connectives") if part not in reading.constraints["filter"]]
        if missing:
            reading.notes["filter"] = f"the prose does not give the filter's {', '.join(missing)}; fill them in"
    return reading


def constraints_from_prose(description: str, type_name: str) -> dict[str, Any]:
    """The constraints one description states, in the spec language's own keys.

    ``type_name`` is the documented type (``string``, ``integer``, ``number``, ``boolean``,
    ``date`` or ``array``); a ``string`` whose prose gives the date format is read as a ``date``
    (ask ``param_type`` for the type to write). Item-level keys of an array come under ``items``
    (without ``type``: the caller knows it). Where a human must look, a ``"#key"`` entry holds a
    note that ``emit_spec`` writes as a comment above that key.
    """
    return read_prose(description, type_name).spec_keys()
