"""The validation runtime (``aisa_dataforseo._validation``) on its own: each constraint kind, the
string formats, the filter grammar, and ``EndpointSpec.build_body`` staging (wrong type → one
issue; own checks; cross-field rules only over values that passed theirs).

The endpoint specs below are hand-built to exercise the runtime; the generated ``ENDPOINT`` of
each endpoint module is compared with the IR at the end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import math
from typing import Any

import pytest
from aisa_dataforseo import _validation as runtime
from aisa_dataforseo._errors import RequestValidationError, ValidationIssue
from aisa_dataforseo._validation import (
    Check,
    DateBound,
    DistinctDomains,
    EndpointSpec,
    FilterExpression,
    Format,
    MaxDate,
    Maximum,
    MaxItems,
    MaxLength,
    MinDate,
    Minimum,
    MinItems,
    MinLength,
    OneOf,
    Param,
    Rule,
    utc_today,
)
from hypothesis import given
from hypothesis import strategies as st

from generator import ir

TODAY = dt.date(2021, 11, 25)
OPERATORS = ("regex", "not_regex", "=", "<>", "in", "not_in", "like", "not_like")
CONNECTIVES = ("and", "or")
FILTER = FilterExpression(8, OPERATORS, CONNECTIVES)


# -- DateBound -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "kw", "expected"),
    [
        (dt.date(2024, 2, 29), {"years": -1}, dt.date(2023, 2, 28)),
        (dt.date(2024, 2, 29), {"years": 1}, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), {"years": -4}, dt.date(2020, 2, 29)),
        (dt.date(2021, 3, 31), {"months": -1}, dt.date(2021, 2, 28)),
        (dt.date(2024, 3, 31), {"months": -1}, dt.date(2024, 2, 29)),
        (dt.date(2021, 1, 31), {"months": 1}, dt.date(2021, 2, 28)),
        (dt.date(2021, 1, 15), {"months": -1}, dt.date(2020, 12, 15)),
        (dt.date(2021, 12, 31), {"months": 1}, dt.date(2022, 1, 31)),
        (dt.date(2021, 1, 1), {"months": -13}, dt.date(2019, 12, 1)),
        (dt.date(2021, 3, 1), {"days": -1}, dt.date(2021, 2, 28)),
        (dt.date(2024, 3, 1), {"days": -1}, dt.date(2024, 2, 29)),
        (dt.date(2021, 3, 31), {"months": -1, "days": 1}, dt.date(2021, 3, 1)),
        (dt.date(2021, 11, 25), {}, dt.date(2021, 11, 25)),
    ],
)
def test_relative_bounds(today, kw, expected):
    assert DateBound("x", **kw).resolve(today) == expected


def test_absolute_bound_ignores_today():
    bound = DateBound("2019-01-01", absolute=dt.date(2019, 1, 1))
    assert bound.resolve(dt.date(2030, 5, 5)) == dt.date(2019, 1, 1)


def test_utc_today():
    before = dt.datetime.now(dt.timezone.utc).date()
    today = utc_today()
    after = dt.datetime.now(dt.timezone.utc).date()
    assert before <= today <= after  # robust across midnight UTC
    assert type(today) is dt.date


# -- bounds ----------------------------------------------------------------------------------


def test_max_length_counts_characters_not_bytes():
    check = MaxLength(255)
    assert check.rule == "max_length"
    assert check.check("я" * 255, TODAY) is None  # 510 bytes in UTF-8
    assert check.check("😀" * 255, TODAY) is None
    assert check.check("я" * 256, TODAY) == "must be at most 255 characters, got 256"
    assert check.check("a" * 256, TODAY) == "must be at most 255 characters, got 256"


def test_min_length():
    assert MinLength(3).check("abc", TODAY) is None
    assert MinLength(3).check("ab", TODAY) == "must be at least 3 characters, got 2"
    assert MinLength(1).check("", TODAY) == "must be at least 1 character, got 0"


def test_items():
    assert MinItems(1).check(["a"], TODAY) is None
    assert MinItems(1).check([], TODAY) == "must have at least 1 item, got 0"
    assert MaxItems(2).check(("a", "b"), TODAY) is None
    assert MaxItems(2).check(["a", "b", "c"], TODAY) == "must have at most 2 items, got 3"
    assert (MinItems.rule, MaxItems.rule) == ("min_items", "max_items")


def test_numbers():
    assert Minimum(1).check(1, TODAY) is None
    assert Minimum(1).check(0, TODAY) == "must be at least 1, got 0"
    assert Maximum(1000).check(1000, TODAY) is None
    assert Maximum(1000).check(1001, TODAY) == "must be at most 1000, got 1001"
    assert Maximum(0.5).check(0.75, TODAY) == "must be at most 0.5, got 0.75"
    assert Minimum(0.5).check(0.5, TODAY) is None
    assert (Minimum.rule, Maximum.rule) == ("minimum", "maximum")


def test_one_of():
    check = OneOf(("one_hundred", "one_thousand"))
    assert check.rule == "enum"
    assert check.check("one_hundred", TODAY) is None
    assert check.check("ten", TODAY) == "must be 'one_hundred' or 'one_thousand', got 'ten'"
    assert OneOf(("a",)).check("b", TODAY) == "must be 'a', got 'b'"
    assert OneOf((1, 2, 3)).check(4, TODAY) == "must be 1, 2 or 3, got 4"


def test_min_date_relative_message():
    check = MinDate(DateBound("today - 1 year", years=-1))
    assert check.rule == "min_date"
    assert check.check(dt.date(2020, 11, 25), TODAY) is None
    assert check.check(dt.date(2020, 11, 24), TODAY) == (
        "must be on or after 2020-11-25 (today - 1 year), got 2020-11-24"
    )


def test_min_date_absolute_message():
    check = MinDate(DateBound("2019-01-01", absolute=dt.date(2019, 1, 1)))
    assert check.check(dt.date(2019, 1, 1), TODAY) is None
    assert (
        check.check(dt.date(2018, 12, 31), TODAY)
        == "must be on or after 2019-01-01, got 2018-12-31"
    )


def test_max_date_today():
    check = MaxDate(DateBound("today"))
    assert check.rule == "max_date"
    assert check.check(TODAY, TODAY) is None
    assert check.check(dt.date(2021, 11, 26), TODAY) == (
        "must be on or before 2021-11-25 (today), got 2021-11-26"
    )


def test_min_date_on_leap_day():
    check = MinDate(DateBound("today - 1 year", years=-1))
    leap = dt.date(2024, 2, 29)
    assert check.check(dt.date(2023, 2, 28), leap) is None
    assert check.check(dt.date(2023, 2, 27), leap) is not None


def test_checks_are_frozen_dataclasses_with_positional_fields():
    assert MaxLength(5) == MaxLength(5)
    assert hash(FilterExpression(8, ("=",), ("and",)))
    with pytest.raises(AttributeError):
        MaxLength(5).value = 6  # type: ignore[misc]
    assert isinstance(DistinctDomains(3), Check)


# -- formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "good",
    [
        "example.com",
        "sub.example.co.uk",
        "xn--80ak6aa92e.com",
        "пример.рф",
        "a-b.example",
        "EXAMPLE.COM",
        "www.com",
        "a" * 63 + ".com",
        "हिन्दी.भारत",
        "1.2.3.4",
    ],
)
def test_domain_accepts(good):
    assert Format("domain").check(good, TODAY) is None


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("https://x.com", "without scheme (https://) and without www."),
        ("www.example.com", "without www."),
        ("WWW.example.com", "without www."),
        ("example.com/path", "has a path"),
        ("example.com:8080", "has a port"),
        ("exa mple.com", "whitespace"),
        (" example.com", "whitespace"),
        ("example", "two labels"),
        ("example..com", "empty label"),
        ("example.com.", "empty label"),
        ("-example.com", "hyphen"),
        ("example-.com", "hyphen"),
        ("exa_mple.com", "characters other than"),
        ("a" * 64 + ".com", "longer than 63"),
        (".".join(["a" * 60] * 5), "longer than 253"),
        ("", "two labels"),
    ],
)
def test_domain_rejects(bad, fragment):
    message = Format("domain").check(bad, TODAY)
    assert message is not None and fragment in message


def test_domain_scheme_message_exact():
    assert Format("domain").check("https://x.com", TODAY) == (
        "must be a domain without scheme (https://) and without www., got 'https://x.com'"
    )


@pytest.mark.parametrize(
    "good",
    [
        "www.trustpilot.com",
        "trustpilot.com",
        "https://www.example.com/page?q=1#x",
        "http://example.com",
        "HTTPS://Example.com/",
        "https://example.com:8080/a",
        "https://my_host.example.com/",
        "https://[::1]/x",
        "https://127.0.0.1/",
    ],
)
def test_target_accepts(good):
    assert Format("target").check(good, TODAY) is None


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://example.com",
        "https://",
        "https:///path",
        "example.com/page",
        "https://exa mple.com",
        "https://example.com:port/",
        "https://[::1/",
        "example",
        "http:/example.com",
    ],
)
def test_target_rejects(bad):
    message = Format("target").check(bad, TODAY)
    assert message is not None and message.startswith("must be a domain or an absolute http(s) URL")


@pytest.mark.parametrize("good", ["https://example.com/a", "http://example.com"])
def test_absolute_url_accepts(good):
    assert Format("absolute_url").check(good, TODAY) is None


@pytest.mark.parametrize(
    "bad", ["example.com", "/relative", "mailto:a@b.com", "https://", "//example.com/a"]
)
def test_absolute_url_rejects(bad):
    assert Format("absolute_url").check(bad, TODAY) is not None


@pytest.mark.parametrize("good", ["/", "/blog/post?a=1", "/%20x"])
def test_relative_url_accepts(good):
    assert Format("relative_url").check(good, TODAY) is None


@pytest.mark.parametrize(
    "bad", ["//example.com/a", "https://example.com/a", "blog/post", "", "/a b", "/a\n"]
)
def test_relative_url_rejects(bad):
    assert Format("relative_url").check(bad, TODAY) is not None


@pytest.mark.parametrize(
    "good",
    [
        "07131248-1535-0216-1000-17384017ad04",
        "07131248-1535-0216-1000-17384017AD04",
        "123e4567-e89b-42d3-a456-426614174000",
    ],
)
def test_uuid_accepts(good):
    assert Format("uuid").check(good, TODAY) is None


@pytest.mark.parametrize(
    "bad",
    [
        "07131248153502161000-17384017ad04",
        "07131248-1535-0216-1000-17384017ad0",
        "07131248-1535-0216-1000-17384017ad04\n",
        "g7131248-1535-0216-1000-17384017ad04",
        "{07131248-1535-0216-1000-17384017ad04}",
    ],
)
def test_uuid_rejects(bad):
    assert Format("uuid").check(bad, TODAY) is not None


def test_unknown_format_fails_at_construction():
    with pytest.raises(ValueError, match="unknown format 'email'"):
        Format("email")


# -- distinct domains --------------------------------------------------------------------------


def test_distinct_domains():
    check = DistinctDomains(2)
    assert check.rule == "distinct_domains"
    same = [
        "example.com",
        "www.example.com",
        "https://WWW.Example.com/a",
        "http://example.com:80/b",
    ]
    assert check.check(same + ["other.com"], TODAY) is None
    assert check.check(same + ["other.com", "https://third.org/x"], TODAY) == (
        "must name at most 2 distinct domains, got 3"
    )
    assert DistinctDomains(1).check(["a.com", "b.com"], TODAY) == (
        "must name at most 1 distinct domain, got 2"
    )
    # items of the wrong type are the item check's business
    assert check.check(["a.com", 5, None], TODAY) is None


# -- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "good",
    [
        ["direction", "=", "external"],
        [
            ["domain_to", "<>", "example.com"],
            "and",
            ["link_from", "not_like", "%example.com/blog%"],
        ],
        [
            ["direction", "=", "external"],
            "and",
            [
                ["link_from", "like", "%example.com/blog%"],
                "or",
                ["link_from", "like", "%example.com/help%"],
            ],
        ],
        ["dofollow", "=", True],
        ["page_from_rank", "=", None],
        ["rank", "in", [1, 2.5, "x", None, False]],
        ["rank", "not_in", []],
        (("a", "=", 1), "or", ("b", "=", 2)),
        [["direction", "=", "external"]],
        [["a", "=", 1]] + [x for i in range(7) for x in ("and", ["a", "=", i])],  # exactly 8
    ],
)
def test_filter_accepts(good):
    assert FILTER.check(good, TODAY) is None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([], "expected a condition or a group, got []"),
        ([["a", "=", 1], "xor", ["b", "=", 2]], "at [1]: expected 'and' or 'or', got 'xor'"),
        (["a", "=="], "expected a condition [field, operator, value], got 2 elements"),
        (["a", "=", 1, 2], "expected a condition [field, operator, value], got 4 elements"),
        (["", "=", 1], "at [0]: expected a field name, got ''"),
        (
            ["a", "eq", 1],
            "at [1]: expected 'regex', 'not_regex', '=', '<>', 'in', 'not_in', 'like' or 'not_like', got 'eq'",
        ),
        (["a", "in", "x"], "at [2]: expected a list for 'in', got 'x'"),
        (["a", "in", [1, [2]]], "at [2][1]: expected a string, number, boolean or null, got [2]"),
        (["a", "=", [1]], "at [2]: expected a string, number, boolean or null, got [1]"),
        (["a", "=", {"x": 1}], "at [2]: expected a string, number, boolean or null, got {'x': 1}"),
        ([["a", "=", 1], "and"], "expected expressions joined by connectives, got 2 elements"),
        ([["a", "=", 1], "and", "b"], "at [2]: expected a condition or a group, got 'b'"),
        ([["a", "=", 1], "and", []], "at [2]: expected a condition or a group, got []"),
        ([5, "and", ["a", "=", 1]], "at [0]: expected a field or a condition, got 5"),
        (
            [["a", "=", 1], "and", [["b", "=", 1], "or", ["c", "=<", 1]]],
            "at [2][2][1]: expected 'regex'",
        ),
        ("a = 1", "expected a condition or a group, got 'a = 1'"),
    ],
)
def test_filter_rejects(bad, message):
    got = FILTER.check(bad, TODAY)
    assert got is not None and message in got, got


def test_filter_counts_nested_conditions():
    nine = [["a", "=", 1]] + [
        x for i in range(4) for x in ("and", [["a", "=", i], "or", ["b", "=", i]])
    ]
    assert FILTER.check(nine, TODAY) == "must have at most 8 conditions, got 9"


def test_filter_reports_every_problem_joined():
    bad = [["a", "eq", 1], "xor", ["", "=", 1], "and"]
    assert FILTER.check(bad, TODAY) == (
        "expected expressions joined by connectives, got 4 elements; "
        "at [0][1]: expected 'regex', 'not_regex', '=', '<>', 'in', 'not_in', 'like' or 'not_like', got 'eq'; "
        "at [1]: expected 'and' or 'or', got 'xor'; "
        "at [2][0]: expected a field name, got ''"
    )


# -- endpoints -------------------------------------------------------------------------------

# Hand-built specs shaped like the real endpoints, plus parameters of the kinds they lack.
HISTORY = EndpointSpec(
    "backlinks.history_live",
    "POST",
    "/dataforseo/backlinks/history/live",
    "array",
    (
        Param("target", "string", True, (Format("domain"),)),
        Param(
            "date_from",
            "date",
            checks=(MinDate(DateBound("2019-01-01", absolute=dt.date(2019, 1, 1))),),
        ),
        Param("date_to", "date", checks=(MaxDate(DateBound("today")),)),
        Param("rank_scale", "string", checks=(OneOf(("one_hundred", "one_thousand")),)),
        Param("tag", "string", checks=(MaxLength(255),)),
    ),
    (Rule("date_from", "<=", "date_to", "the time range starts no later than it ends"),),
)

BULK = EndpointSpec(
    "backlinks.bulk_pages_summary_live",
    "POST",
    "/dataforseo/backlinks/bulk_pages_summary/live",
    "object",
    (
        Param(
            "targets",
            "array",
            True,
            (MinItems(1), MaxItems(3), DistinctDomains(2)),
            "string",
            (Format("target"),),
        ),
        Param("limit", "integer", checks=(Minimum(1), Maximum(1000))),
        Param("ratio", "number", checks=(Minimum(0), Maximum(1))),
        Param("include_subdomains", "boolean"),
        Param("dates", "array", item_type="date", item_checks=(MaxDate(DateBound("today")),)),
        Param("filters", "array", checks=(FILTER,)),
    ),
)

INDEX = EndpointSpec("backlinks.index", "GET", "/dataforseo/backlinks/index", "none")


def issues(spec, arguments, today=TODAY):
    with pytest.raises(RequestValidationError) as caught:
        spec.build_body(arguments, today)
    return [(i.param, i.rule) for i in caught.value.errors], caught.value.errors


def test_array_body_omits_none_and_keeps_param_order():
    body = HISTORY.build_body(
        {
            "tag": "t",
            "date_to": dt.date(2021, 1, 1),
            "target": "example.com",
            "rank_scale": None,
            "date_from": "2020-01-01",
        },
        TODAY,
    )
    assert body == [
        {"target": "example.com", "date_from": "2020-01-01", "date_to": "2021-01-01", "tag": "t"}
    ]
    assert list(body[0]) == ["target", "date_from", "date_to", "tag"]


def test_object_body_serialises_tuples_and_dates():
    body = BULK.build_body(
        {
            "targets": ("a.com", "https://b.com/x"),
            "dates": (dt.date(2020, 1, 2), "2020-01-03"),
            "filters": (("a", "=", 1), "and", ("b", "in", (1, 2))),
            "include_subdomains": False,
            "limit": 0 + 5,
            "ratio": 0.5,
        },
        TODAY,
    )
    assert body == {
        "targets": ["a.com", "https://b.com/x"],
        "limit": 5,
        "ratio": 0.5,
        "include_subdomains": False,
        "dates": ["2020-01-02", "2020-01-03"],
        "filters": [["a", "=", 1], "and", ["b", "in", [1, 2]]],
    }
    assert type(body["targets"]) is list


def test_none_body():
    assert INDEX.build_body({}, TODAY) is None


def test_unknown_and_required():
    found, errors = issues(HISTORY, {"targte": "example.com", "date_form": None})
    assert found == [("targte", "unknown"), ("date_form", "unknown"), ("target", "required")]
    assert "did you mean 'target'?" in errors[0].message
    assert errors[0].value == "example.com"
    assert str(errors[2]) == "target: is required"


def test_required_none_is_missing():
    found, _ = issues(HISTORY, {"target": None})
    assert found == [("target", "required")]


def test_many_issues_at_once():
    found, errors = issues(
        HISTORY,
        {
            "target": "https://x.com",
            "date_from": "2018-12-31",
            "date_to": "2021-11-26",
            "rank_scale": "ten",
            "tag": "ж" * 256,
        },
    )
    assert found == [
        ("target", "format"),
        ("date_from", "min_date"),
        ("date_to", "max_date"),
        ("rank_scale", "enum"),
        ("tag", "max_length"),
    ]
    by_param = {e.param: e for e in errors}
    assert by_param["tag"].message == "must be at most 255 characters, got 256"
    assert by_param["date_from"].value == "2018-12-31"  # the value as given
    assert str(by_param["target"]) == (
        "target: must be a domain without scheme (https://) and without www., got 'https://x.com'"
    )
    assert by_param["date_to"].message == "must be on or before 2021-11-25 (today), got 2021-11-26"


def test_tag_boundary_multibyte():
    assert HISTORY.build_body({"target": "example.com", "tag": "ж" * 255}, TODAY)
    found, _ = issues(HISTORY, {"target": "example.com", "tag": "ж" * 256})
    assert found == [("tag", "max_length")]


def test_cross_field_rule():
    found, errors = issues(
        HISTORY,
        {"target": "example.com", "date_from": "2021-02-01", "date_to": dt.date(2021, 1, 15)},
    )
    assert found == [("date_from", "date_from <= date_to")]
    assert errors[0].value == "2021-02-01"
    assert errors[0].message == (
        "must be <= date_to (2021-01-15), got 2021-02-01: the time range starts no later than it ends"
    )
    assert HISTORY.build_body(
        {"target": "example.com", "date_from": "2021-01-15", "date_to": "2021-01-15"}, TODAY
    )


def test_rule_skipped_when_a_side_is_invalid_or_missing():
    found, _ = issues(
        HISTORY, {"target": "example.com", "date_from": "2021-02-30", "date_to": "2021-01-15"}
    )
    assert found == [("date_from", "format")]
    found, _ = issues(
        HISTORY, {"target": "example.com", "date_from": "2021-02-01", "date_to": "2021-12-01"}
    )
    assert found == [("date_to", "max_date")]
    assert HISTORY.build_body({"target": "example.com", "date_from": "2021-02-01"}, TODAY)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("2021-02-30", "format"),
        ("2021-1-5", "format"),
        ("20210105", "format"),
        ("2021-01-05T00:00", "format"),
        ("２０２１-01-05", "format"),
        (" 2021-01-05", "format"),
        (dt.datetime(2021, 1, 5), "type"),
        (20210105, "type"),
        (True, "type"),
    ],
)
def test_date_types(value, rule):
    found, errors = issues(HISTORY, {"target": "example.com", "date_from": value})
    assert found == [("date_from", rule)]
    assert errors[0].value is value


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("limit", True),
        ("limit", 5.0),
        ("limit", "5"),
        ("ratio", False),
        ("ratio", math.nan),
        ("ratio", math.inf),
        ("ratio", "0.5"),
        ("include_subdomains", 1),
        ("include_subdomains", "true"),
        ("targets", "a.com"),
        ("targets", {"a.com"}),
        ("filters", "direction = external"),
    ],
)
def test_wrong_types(param, value):
    found, errors = issues(BULK, {"targets": ["a.com"], param: value})
    assert found == [(param, "type")]  # and nothing else about it
    assert errors[0].value is value


def test_numbers_accept_ints_and_huge_ints():
    assert BULK.build_body({"targets": ["a.com"], "ratio": 1}, TODAY) == {
        "targets": ["a.com"],
        "ratio": 1,
    }
    found, _ = issues(BULK, {"targets": ["a.com"], "ratio": 10**400})
    assert found == [("ratio", "maximum")]


def test_wrong_type_message():
    _, errors = issues(BULK, {"targets": ["a.com"], "limit": "5"})
    assert errors[0].message == "must be an integer, got str '5'"


def test_long_values_are_quoted_briefly():
    _, errors = issues(BULK, {"targets": ["a.com"], "limit": "x" * 10_000})
    assert len(errors[0].message) < 150


def test_integer_bounds():
    assert BULK.build_body({"targets": ["a.com"], "limit": 1}, TODAY)
    assert BULK.build_body({"targets": ["a.com"], "limit": 1000}, TODAY)
    assert issues(BULK, {"targets": ["a.com"], "limit": 0})[0] == [("limit", "minimum")]
    assert issues(BULK, {"targets": ["a.com"], "limit": 1001})[0] == [("limit", "maximum")]


def test_array_items_are_named_by_index():
    found, errors = issues(
        BULK,
        {
            "targets": ["a.com", "ftp://b.com", 7],
            "dates": ["2021-11-26", dt.date(2021, 1, 1), "nope"],
        },
    )
    assert found == [
        ("targets[1]", "format"),
        ("targets[2]", "type"),
        ("dates[0]", "max_date"),
        ("dates[2]", "format"),
    ]
    assert errors[1].value == 7


def test_array_level_and_item_issues_together():
    found, _ = issues(BULK, {"targets": ["a.com", "b.com", "c.com", "d.com com"]})
    assert found == [
        ("targets", "max_items"),
        ("targets", "distinct_domains"),
        ("targets[3]", "format"),
    ]
    found, _ = issues(BULK, {"targets": []})
    assert found == [("targets", "min_items")]


def test_filter_param():
    body = BULK.build_body({"targets": ["a.com"], "filters": ["direction", "=", "external"]}, TODAY)
    assert body["filters"] == ["direction", "=", "external"]
    found, errors = issues(
        BULK, {"targets": ["a.com"], "filters": [["a", "=", 1], "xor", ["b", "=", 2]]}
    )
    assert found == [("filters", "filter")]
    assert str(errors[0]) == "filters: at [1]: expected 'and' or 'or', got 'xor'"


def test_error_is_value_error_with_tuple():
    with pytest.raises(ValueError) as caught:
        HISTORY.build_body({}, TODAY)
    assert isinstance(caught.value.errors, tuple)
    assert all(isinstance(e, ValidationIssue) for e in caught.value.errors)


def test_spec_is_hashable_data():
    assert hash(HISTORY) == hash(HISTORY)
    assert Rule("a", "<", "b", "d").name == "a < b"


@pytest.mark.parametrize(
    ("op", "left", "right", "ok"),
    [
        ("<", 1, 2, True),
        ("<", 2, 2, False),
        ("<=", 2, 2, True),
        (">", 3, 2, True),
        (">", 2, 2, False),
        (">=", 2, 2, True),
        ("!=", 1, 1, False),
        ("!=", 1, 2, True),
    ],
)
def test_rule_operators(op, left, right, ok):
    spec = EndpointSpec(
        "x",
        "POST",
        "/x",
        "object",
        (Param("a", "integer"), Param("b", "integer")),
        (Rule("a", op, "b", "d"),),
    )
    if ok:
        assert spec.build_body({"a": left, "b": right}, TODAY) == {"a": left, "b": right}
    else:
        assert issues(spec, {"a": left, "b": right})[0] == [("a", f"a {op} b")]


def test_array_without_item_type_leaves_items_alone():
    spec = EndpointSpec(
        "x", "POST", "/x", "object", (Param("a", "array", item_checks=(MaxLength(1),)),)
    )
    assert spec.build_body({"a": ["long", 5]}, TODAY) == {"a": ["long", 5]}


# -- properties --------------------------------------------------------------------------------


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(-5, 5),
    st.integers(-30, 30),
    st.integers(-400, 400),
)
def test_relative_bounds_agree_with_the_generator(day, years, months, days):
    offsets = {"years": years, "months": months, "days": days}
    assert DateBound("x", **offsets).resolve(day) == ir.DateBound("x", **offsets).resolve(day)


@given(st.text(max_size=12), st.integers(0, 12))
def test_length_limits_count_code_points(text, limit):
    assert (MaxLength(limit).check(text, TODAY) is None) == (len(text) <= limit)
    assert (MinLength(limit).check(text, TODAY) is None) == (len(text) >= limit)


@given(st.integers(-(10**20), 10**20) | st.floats(allow_nan=False, allow_infinity=False))
def test_number_bounds(value):
    assert (Minimum(0).check(value, TODAY) is None) == (value >= 0)
    assert (Maximum(0).check(value, TODAY) is None) == (value <= 0)


# -- the generated endpoint specs mirror the IR ------------------------------------------------


def as_data(check: Any) -> dict[str, Any]:
    """A constraint's fields, runtime or IR alike (a nested DateBound as its fields too)."""
    data = {f.name: getattr(check, f.name) for f in dataclasses.fields(check)}
    if "bound" in data:
        data["bound"] = dataclasses.asdict(data["bound"])
    return data


def test_generated_endpoint_specs_mirror_the_ir(api):
    for endpoint in api.endpoints:
        module = importlib.import_module(
            f"aisa_dataforseo.endpoints.{endpoint.group}_{endpoint.name}"
        )
        spec = module.ENDPOINT
        assert isinstance(spec, EndpointSpec)
        assert (spec.name, spec.method, spec.path, spec.body) == (
            endpoint.qualified_name,
            endpoint.method,
            endpoint.path,
            endpoint.body,
        )
        assert [(p.name, p.type, p.required, p.item_type) for p in spec.params] == [
            (p.name, p.type, p.required, p.item_type) for p in endpoint.params
        ]
        for built, param in zip(spec.params, endpoint.params):
            for checks, constraints in (
                (built.checks, param.constraints),
                (built.item_checks, param.item_constraints),
            ):
                assert [c.rule for c in checks] == [c.kind for c in constraints], param.name
                assert [as_data(c) for c in checks] == [as_data(c) for c in constraints]
        assert [(r.left, r.op, r.right, r.description) for r in spec.rules] == [
            (r.left, r.op, r.right, r.description) for r in endpoint.rules
        ]


def test_every_constraint_kind_has_a_runtime_check():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    runtime_rules = {cls.rule for cls in subclasses(Check) if "rule" in vars(cls)}
    ir_kinds = {cls.kind for cls in subclasses(ir.Constraint)}
    assert ir_kinds == runtime_rules
    assert set(runtime._FORMATS) == {"domain", "target", "absolute_url", "relative_url", "uuid"}
