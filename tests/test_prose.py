"""The prose pattern table (generator/importers/prose.py), one phrasing at a time.

Every description below is copied from docs/reference/dataforseo-openapi.json (a test checks that
each one is in it, so a case cannot drift into an invented sentence). Each phrasing has cases where
it must fire and cases where a look-alike must not.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from conftest import ROOT

from generator.importers.openapi import import_document
from generator.importers.prose import constraints_from_prose, normalize, read_prose

UPSTREAM = ROOT / "docs" / "reference" / "dataforseo-openapi.json"


@cache
def upstream_descriptions() -> str:
    """Every description in the upstream document, normalized, one per line."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    found.append(normalize(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(UPSTREAM.read_text(encoding="utf-8")))
    return "\n".join(found)


def case(text: str, type_name: str, expected: dict[str, Any], id: str) -> Any:
    return pytest.param(text, type_name, expected, id=id)


SERVER = "server"

# -- phrasings that must fire ------------------------------------------------------------------

FIRES = [
    # enum: "can take / choose from / can specify the following values"
    case(
        "browser preset associated with a certain device type can take the following values: "
        "desktop, tablet, mobile Note: by default, browser preset corresponds to the device type",
        "string",
        {"enum": ["desktop", "tablet", "mobile"]},
        id="enum-can-take-the-following-values",
    ),
    case(
        "task priority optional field can take the following values: 1 – normal execution priority "
        "(set by default); 2 – high execution priority You will be additionally charged",
        "integer",
        {"enum": [1, 2]},
        id="enum-values-described-with-en-dashes",
    ),
    case(
        "app collection required field app collection on App Store from which apps will be "
        "collected; you can specify the following values: top_free_ios, top_paid_ios, "
        "top_grossing_ios, new_ios, new_free_ios, new_paid_ios",
        "string",
        {
            "required": True,
            "enum": [
                "top_free_ios",
                "top_paid_ios",
                "top_grossing_ios",
                "new_ios",
                "new_free_ios",
                "new_paid_ios",
            ],
        },
        id="enum-can-specify-the-following-values",
    ),
    # one list per case: the parameter accepts their union
    case(
        "device operating system optional field if you specify desktop in the device field, choose "
        "from the following values: windows, macos default value: windows if you specify mobile in "
        "the device field, choose from the following values: android, ios default value: android",
        "string",
        {
            "enum": ["windows", "macos", "android", "ios"],
            "default": {"value": "windows", "applied_by": SERVER},
        },
        id="enum-union-of-conditional-lists",
    ),
    case(
        "filter results by minimum rating optional field possible values for desktop: 3.5, 4, 4.5; "
        "possible values for mobile: 2, 2.5, 3, 3.5, 4, 4.5",
        "number",
        {"enum": [3.5, 4, 4.5, 2, 2.5, 3]},
        id="enum-possible-values-for-each-device",
    ),
    case(
        "possible values for all type parameters: past_4_hours, past_day, past_7_days, "
        "past_30_days, past_90_days, past_12_months, past_5_years",
        "string",
        {
            "enum": [
                "past_4_hours",
                "past_day",
                "past_7_days",
                "past_30_days",
                "past_90_days",
                "past_12_months",
                "past_5_years",
            ]
        },
        id="enum-possible-values-for-is-not-the-value-for",
    ),
    # quoted lists
    case(
        'sorting by task execution time optional field possible values: "asc", "desc" '
        'default value: "asc"',
        "string",
        {"enum": ["asc", "desc"], "default": {"value": "asc", "applied_by": SERVER}},
        id="enum-double-quoted",
    ),
    case(
        "ISO country code of the location optional field possible values: 'AR','AT','AU','BE'",
        "string",
        {"enum": ["AR", "AT", "AU", "BE"]},
        id="enum-single-quoted-no-spaces",
    ),
    case(
        "corresponds to the datatype that will be sent to your server possible values:: advanced, html",
        "string",
        {"enum": ["advanced", "html"]},
        id="enum-after-a-doubled-colon",
    ),
    # the default "live" is no longer outside the enum: the en-dash list is read whole
    case(
        "possible values: all – all backlinks will be returned and counted; live – backlinks found "
        "during the last check will be returned and counted; lost – lost backlinks will be returned "
        "and counted; default value: live",
        "string",
        {"enum": ["all", "live", "lost"], "default": {"value": "live", "applied_by": SERVER}},
        id="enum-en-dash-list-keeps-its-default",
    ),
    # max_items
    case(
        'you should use a comma to set up a sorting type example: ["groups_count,desc"] note that '
        "you can set no more than three sorting rules in a single request",
        "array",
        {"max_items": 3},
        id="max-items-number-word",
    ),
    case(
        "the maximum number of keywords you can specify: 5 learn more about rules and limitations",
        "array",
        {"max_items": 5},
        id="max-items-you-can-specify",
    ),
    case(
        "target keywords required field UTF-8 encoding maximum number of keywords you can specify "
        "in this array: 1000 the keywords will be converted to lowercase format",
        "array",
        {"required": True, "min_items": 1, "max_items": 1000},
        id="max-items-in-this-array-not-utf-8",
    ),
    case(
        "product IDs to receive ranking data for; the maximum number of ASINs you can specify in "
        "this array is 1000;",
        "array",
        {"max_items": 1000},
        id="max-items-in-this-array-is",
    ),
    case(
        "maximum number of search terms you can specify: 10",
        "array",
        {"max_items": 10},
        id="max-items-two-word-noun",
    ),
    case(
        "you can specify the maximum of 200 keywords with each keyword containing no more than "
        "100 characters;",
        "array",
        {"items": {"max_length": 100}, "max_items": 200},
        id="max-items-the-maximum-of",
    ),
    case(
        "maximum word length: 100 characters maximum amount of words: 1000",
        "array",
        {"items": {"max_length": 100}, "max_items": 1000},
        id="max-items-amount-and-item-length",
    ),
    case(
        "The maximum number of keywords you can specify: 1000; The maximum number of characters in "
        "a single keyword: 250;",
        "array",
        {"items": {"max_length": 250}, "max_items": 1000},
        id="item-length-in-a-single-keyword",
    ),
    # ranges
    case(
        "width of the browser resolution optional field can be specified in the following range: "
        "240-9999 default value for desktop: 1920",
        "integer",
        {"minimum": 240, "maximum": 9999},
        id="range-with-a-dash",
    ),
    case(
        "browser scale factor optional field can be specified in the following range: 0.5-3",
        "number",
        {"minimum": 0.5, "maximum": 3},
        id="range-of-decimals",
    ),
    case(
        "all extra charges will be returned to your account balance possible values: from 1 to 4",
        "integer",
        {"minimum": 1, "maximum": 4},
        id="range-possible-values-from-to",
    ),
    case(
        "number of the returned results depends on the value you set in this field you can "
        "specify a level from 0 to 4 estimated number of keywords for each level (maximum): 0 – "
        "the keyword set in the keyword field 1 – 8 keywords",
        "integer",
        {"minimum": 0, "maximum": 4},
        id="range-a-level-from-to",
    ),
    # bounds
    case(
        "Note: the maximum value is 9,000, use the search_after_token if you would like to offset "
        "more results",
        "integer",
        {"maximum": 9000},
        id="maximum-value-is-with-thousands-separator",
    ),
    case(
        "parsing depth optional field number of results in SERP default value: 10 max value: 700",
        "integer",
        {"maximum": 700, "default": {"value": 10, "applied_by": SERVER}},
        id="max-value",
    ),
    case(
        "if you don’t specify this field, the data will be provided for the previous 6 months "
        'minimal possible value: 2020-10-01 date format: "yyyy-mm-dd"',
        "string",
        {"min_date": "2020-10-01"},
        id="minimal-possible-date",
    ),
]


@pytest.mark.parametrize(("text", "type_name", "expected"), FIRES)
def test_phrasing_is_read(text: str, type_name: str, expected: dict[str, Any]) -> None:
    reading = read_prose(text, type_name)
    got = dict(reading.constraints)
    if reading.required:
        got["required"] = True
    assert got == expected


# -- look-alikes that must not fire ------------------------------------------------------------

QUIET = [
    case(
        "to obtain google_trends_topics_list and google_trends_queries_list items, specify no more "
        "than 1 keyword in the keywords field",
        "array",
        {},
        id="no-more-than-about-another-field",
    ),
    case(
        "keywords match type optional field can take the following values: aggregate returns data "
        "across all match types; broad returns data for all user queries",
        "string",
        {},
        id="values-written-as-sentences-are-no-list",
    ),
    case(
        'possible values: "open_now", "24_hours", "$day_value", "$day_value;$time_value"; instead '
        'of $day_value use one of these values: "monday"',
        "string",
        {},
        id="no-partial-list-of-placeholders",
    ),
    case(
        "note that there is no full list of possible values as the asin values is a dynamic value "
        "assigned by Amazon",
        "string",
        {},
        id="possible-values-in-passing",
    ),
    case(
        "response field required field if you choose to specify custom_mode possible values: "
        "anchor domain_from domain_from_country tld_from",
        "string",
        {},
        id="space-separated-words-are-no-list",
    ),
    case(
        'if "zoom" is not specified, 9z will be applied as a default value the maximum number of '
        'decimal digits for "latitude" and "longitude": 7',
        "string",
        {},
        id="as-a-default-value-is-no-default",
    ),
    case(
        "parsing depth optional field number of results in SERP default value for desktop: 20 max "
        "value for desktop: 500 default value for mobile: 10 max value for mobile: 350 Your "
        "account will be billed per each SERP containing up to 20 results",
        "integer",
        {},
        id="per-device-bounds-and-an-unrelated-up-to",
    ),
    case(
        "if you specify the 10 value, the first ten tasks in the results array will be omitted",
        "integer",
        {},
        id="a-number-in-an-unrelated-sentence",
    ),
    case(
        "starting date of the time range optional field required field if date_to is specified;",
        "string",
        {},
        id="required-field-if-is-optional",
    ),
]


@pytest.mark.parametrize(("text", "type_name", "expected"), QUIET)
def test_look_alike_is_not_read(text: str, type_name: str, expected: dict[str, Any]) -> None:
    reading = read_prose(text, type_name)
    assert reading.constraints == expected
    assert not reading.required


@pytest.mark.parametrize(
    "text", [param.values[0] for param in FIRES + QUIET], ids=[param.id for param in FIRES + QUIET]
)
def test_every_case_is_quoted_from_the_upstream_document(text: str) -> None:
    assert text in upstream_descriptions()


# -- required ----------------------------------------------------------------------------------


def test_required_is_read_apart_from_the_constraints() -> None:
    """A docs page states ``required`` on its own line; the prose row must not add it there."""
    text = "domain required field a domain should be specified without https:// and www."
    assert read_prose(text, "string").required
    assert constraints_from_prose(text, "string") == {"format": "domain"}


def test_openapi_import_reads_required_from_the_shared_table() -> None:
    task = {
        "type": "object",
        "properties": {
            "target": {
                "type": "string",
                "description": "domain required field a domain should be specified without "
                "https:// and www.",
            },
            "date_from": {
                "type": "string",
                "description": "starting date of the time range optional field required field "
                'if date_to is specified; date format: "yyyy-mm-dd" minimum value: 2018-05-31',
            },
            "browser_screen_resolution_ratio": {
                "type": "integer",
                "description": "browser screen resolution ratio optional field can be specified "
                "within the following range: 0.5-3;",
            },
        },
    }
    body = {"content": {"application/json": {"schema": {"type": "array", "items": task}}}}
    document = {"openapi": "3.0.1", "paths": {"/v3/demo/live": {"post": {"requestBody": body}}}}
    params = {param["name"]: param for param in import_document(document).drafts[0].spec["params"]}
    assert params["target"]["required"] is True
    assert "required" not in params["date_from"]
    # upstream types the ratio an integer yet gives 0.5 as its low end: kept for a human, not lost
    ratio = params["browser_screen_resolution_ratio"]
    assert ratio["maximum"] == 3 and "minimum" not in ratio
    assert ratio["#"] == [
        "dropped minimum 0.5: 0.5 is not a whole number, but the parameter is an integer"
    ]
