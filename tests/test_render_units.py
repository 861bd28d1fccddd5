"""generator/render.py's helpers, judged by Python itself and by ruff rather than by re-reading the code.

* ``pyrepr``, ``docstring`` and ``wrap`` carry doc text into code: on hostile text the code must
  parse (also after black) and hold exactly that text, with whitespace folded.
* ``Imports`` and ``all_list`` promise isort order and RUF022 order: ruff is the referee.
* Every generated file starts with a header naming the spec files it comes from.
"""

from __future__ import annotations

import ast
import json
import math
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SPEC_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format import format_python
from generator.imports import Imports, all_list
from generator.ir import Api
from generator.pipeline import build_files
from generator.render import LINE, docstring, module_name, pyrepr, wrap

HOSTILE = [
    'He said "hi"',
    "it's",
    '"""',
    "'''",
    '""""',
    'ends with a quote"',
    'ends with two quotes""',
    '"starts with a quote',
    '""',
    "back\\slash",
    "\\",
    "ends with a backslash\\",
    "escapes that must stay text: \\N{BULLET} \\u00E9 \\xAB \\n \\t \\0",
    "{{ not_jinja }} {% if x %} {# comment #}",
    "line one\nline two\r\nthree\tand a tab",
    "\u200fright-to-left mark\u200e and back",
    "nul\x00byte",
    "emoji 🦄 flag 🏳️‍🌈 family 👨‍👩‍👧",
    "bom\ufeff zero\u200bwidth soft\xadhyphen",
    "\x1b[31mterminal escape\x1b[0m",
    "€ ünïcödé 漢字 العربية",
    "tag \U000e0041 char",
    "",
    "   \n\t ",
    "word " * 60,
    "x" * 150 + " and a long word",
]


def fold(text: str) -> str:
    return " ".join(text.split())


def visible(code: str) -> bool:
    """No character a reader cannot see, other than the newlines between lines."""
    return all(ch.isprintable() or ch == "\n" for ch in code)


def docstrings(code: str) -> list[str]:
    """Every string-literal statement's value, in source order (module, class, attribute, def)."""
    return [
        node.value.value
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]


def too_long(code: str) -> list[str]:
    """Lines over the limit, unless a word too long for any line forces them."""
    return [
        line
        for line in code.splitlines()
        if len(line) > LINE and all(len(word) <= LINE - 16 for word in line.split())
    ]


# -- pyrepr -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_pyrepr_of_hostile_text_is_an_exact_visible_literal(text: str) -> None:
    code = pyrepr(text)
    assert ast.literal_eval(code) == text
    assert visible(code)


@given(st.text())
def test_pyrepr_of_any_text_is_an_exact_visible_literal(text: str) -> None:
    code = pyrepr(text)
    assert ast.literal_eval(code) == text
    assert visible(code)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
)


@given(VALUES)
def test_pyrepr_of_spec_data_is_an_exact_literal(value: object) -> None:
    code = pyrepr(value)
    assert ast.literal_eval(code) == value
    assert type(ast.literal_eval(code)) is type(value)


def test_pyrepr_of_a_one_tuple_keeps_its_comma() -> None:
    assert pyrepr(("a",)) == '("a",)'
    assert pyrepr(()) == "()"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan], ids=["inf", "-inf", "nan"])
def test_pyrepr_of_a_non_finite_float_evaluates_to_it(value: float) -> None:
    result = eval(pyrepr(value), {"__builtins__": __builtins__}, {})
    assert result == value or (math.isnan(value) and math.isnan(result))


# -- docstring --------------------------------------------------------------------------------


def in_context(doc: str, indent: int) -> str:
    """``doc`` where a template puts it: module (0), class and attribute (4), method (8)."""
    if indent == 0:
        return f"{doc}\n\nx = 1\n"
    if indent == 4:
        return f"class C:\n    {doc}\n\n    x: int = 1\n    {doc}\n"
    return f"class C:\n    def f(self) -> int:\n        {doc}\n        return 1\n"


def expected_doc(text: str) -> str:
    return fold(text) or "Undocumented."


def check_docstring(text: str, indent: int, *, through_black: bool) -> str:
    code = in_context(docstring(text, indent), indent)
    if through_black:
        code = format_python(code, "m.py", None)
    values = docstrings(code)
    assert values, code
    assert all(fold(value) == expected_doc(text) for value in values), code
    assert visible(code)
    return code


@pytest.mark.parametrize("indent", [0, 4, 8])
@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_of_hostile_text_holds_the_text(text: str, indent: int) -> None:
    check_docstring(text, indent, through_black=False)
    check_docstring(text, indent, through_black=True)


@settings(max_examples=100)
@given(st.text(), st.sampled_from([0, 4, 8]))
def test_docstring_of_any_text_survives_black(text: str, indent: int) -> None:
    check_docstring(text, indent, through_black=True)


@pytest.mark.parametrize("text", ['"""', 'a docstring example: """', 'x """  ', '""""""'])
def test_docstring_of_text_ending_in_a_triple_quote(text: str) -> None:
    check_docstring(text, 4, through_black=False)


def test_docstring_stays_on_one_line_when_it_fits() -> None:
    assert docstring("Short text.", 4) == '"""Short text."""'
    assert docstring("", 0) == '"""Undocumented."""'


@pytest.mark.parametrize("indent", [0, 4, 8])
def test_docstring_lines_fit_the_line_length(indent: int) -> None:
    # One-letter words fill each line to within a column of the fill width.
    code = in_context(docstring("a " * 200, indent), indent)
    assert too_long(code) == []


# -- wrap -------------------------------------------------------------------------------------


def wrapped_method(text: str) -> str:
    """``wrap`` where resource.py.jinja puts it: a summary line and an Args entry of a method."""
    return (
        "class C:\n"
        "    def f(self) -> None:\n"
        f'        """{wrap(text, 8, 11)}.\n'
        "\n"
        "        Args:\n"
        f"            name: {wrap(text, 16, 18)}\n"
        f"                Rules: {wrap(text, 16, 23)}\n"
        '        """\n'
    )


def check_wrap(text: str, *, through_black: bool) -> str:
    code = wrapped_method(text)
    if through_black:
        code = format_python(code, "m.py", None)
    (value,) = docstrings(code)
    expected = f"{fold(text)}. Args: name: {fold(text)} Rules: {fold(text)}"
    assert fold(value) == fold(expected), code
    assert visible(code)
    return code


@pytest.mark.parametrize("text", HOSTILE)
def test_wrap_of_hostile_text_holds_the_text(text: str) -> None:
    check_wrap(text, through_black=False)
    check_wrap(text, through_black=True)


@settings(max_examples=100)
@given(st.text())
def test_wrap_of_any_text_survives_black(text: str) -> None:
    check_wrap(text, through_black=True)


@pytest.mark.parametrize("text", ["lorem ipsum " * 40, "a " * 120, "x" * 150 + " tail"])
def test_wrap_lines_fit_the_line_length(text: str) -> None:
    assert too_long(wrapped_method(text)) == []


def test_wrap_continues_at_the_indent() -> None:
    lines = wrap("word " * 50, 16, 23).splitlines()
    assert len(lines) > 1
    assert all(line.startswith(" " * 16) and not line.startswith(" " * 17) for line in lines[1:])


# -- import blocks and __all__, judged by ruff -------------------------------------------------

# Modules the collector knows to be standard library; other stdlib modules are a known bug below.
STDLIB = [
    "collections.abc",
    "dataclasses",
    "datetime",
    "typing",
    "asyncio",
    "contextvars",
    "email.utils",
    "functools",
    "importlib",
    "json",
    "math",
    "os",
    "platform",
    "random",
    "time",
    "types",
]
THIRD_PARTY = ["httpx", "yaml", "jinja2", "attrs", "anyio"]
RELATIVE = [
    "._model",
    "._validation",
    "._envelope",
    "._client",
    ".endpoints.backlinks_index",
    ".resources.on_page",
]
# No digits: isort compares those naturally (a known bug below).
NAMES = [
    "Any",
    "TYPE_CHECKING",
    "cast",
    "Sequence",
    "ENDPOINT",
    "Model",
    "JSON_KEY",
    "field",
    "dataclass",
    "date",
    "Client",
    "a",
    "B",
    "c_d",
    "Ab",
    "AB",
    "X",
    "_private",
    "__version__",
    "OneOf",
    "MaxLength",
    "MAX_SIZE",
    "utc_today",
    "Literal",
    "zeta",
    "Zeta",
    "ZETA",
]

Use = tuple[str, str] | tuple[str, str, str]


def import_block(uses: list[Use], depth: int = 0, modules: tuple[tuple[str, str], ...] = ()) -> str:
    """The formatted file a template using these names would get (splice, then black)."""
    imports = Imports(depth=depth)
    for use in uses:
        imports.uses(*use)
    for module, alias in modules:
        imports.module(module, alias)
    return format_python(imports.splice("# <imports>\n"), "m.py", None)


def ruff_objections(sources: list[str], rule: str, tmp_path: Path) -> dict[int, str]:
    """Run ruff (rule ``rule`` only, no config) over every source at once: {index: source} of those it flags."""
    folder = tmp_path / f"ruff-{rule}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for index, source in enumerate(sources):
        (folder / f"case_{index:04d}.py").write_text(source, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            rule,
            "--target-version",
            "py310",
            "--line-length",
            str(LINE),
            "--output-format",
            "json",
            ".",
        ],
        check=False,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    flagged = {
        int(Path(item["filename"]).stem.removeprefix("case_")) for item in json.loads(result.stdout)
    }
    return {index: sources[index] for index in sorted(flagged)}


def test_the_referee_objects_to_disorder(tmp_path: Path) -> None:
    """ruff_objections is not vacuous: it flags what isort and RUF022 would reorder."""
    unsorted = ["from b import x\nfrom a import y\n", "import httpx\nimport os\n"]
    assert set(ruff_objections(unsorted, "I", tmp_path)) == {0, 1}
    assert set(ruff_objections(['__all__ = ["b", "a"]\n'], "RUF022", tmp_path)) == {0}


VALIDATION_NAMES = (
    "Param EndpointSpec Format MaxLength Maximum Minimum MinLength FilterExpression OneOf DateBound"
)
IMPORT_CASES = [
    pytest.param(
        [("typing", "Any"), ("httpx", "Client"), ("._model", "Model")], id="three-sections"
    ),
    pytest.param(
        [("typing", "Any"), ("typing", "TYPE_CHECKING"), ("typing", "cast"), ("typing", "Literal")],
        id="constants-classes-functions",
    ),
    pytest.param(
        [
            (".endpoints.on_page_links", "ENDPOINT", "LINKS"),
            (".endpoints.on_page_links", "OnPageLinksResult"),
        ],
        id="aliased-constant-and-a-class",
    ),
    pytest.param(
        [("._validation", name) for name in VALIDATION_NAMES.split()],
        id="long-line",
    ),
    pytest.param([("m", "b"), ("m", "A"), ("m", "a_B"), ("m", "Ab"), ("m", "AB")], id="case"),
    pytest.param(
        [
            ("collections.abc", "Sequence"),
            ("dataclasses", "dataclass"),
            ("dataclasses", "field"),
            ("datetime", "date"),
        ],
        id="dotted-stdlib",
    ),
]


@pytest.mark.parametrize("uses", IMPORT_CASES)
@pytest.mark.parametrize("depth", [0, 1])
def test_import_block_is_isort_ordered(uses: list[Use], depth: int, tmp_path: Path) -> None:
    source = import_block(uses, depth, modules=(("datetime", "dt"),))
    assert ruff_objections([source], "I", tmp_path) == {}


def test_import_block_uses_relative_depth() -> None:
    imports = Imports(depth=2)
    assert imports.uses("._model", "Model") == "Model"
    assert imports.uses(".endpoints.x", "ENDPOINT", "X") == "X"
    lines = imports.splice("# <imports>").splitlines()
    assert sorted(lines) == [
        "from ..._model import Model",
        "from ...endpoints.x import ENDPOINT as X",
    ]


def random_uses(rng: random.Random) -> tuple[list[Use], int, tuple[tuple[str, str], ...]]:
    pools = [STDLIB, THIRD_PARTY, RELATIVE]
    uses: list[Use] = [
        (rng.choice(rng.choice(pools)), rng.choice(NAMES)) for _ in range(rng.randint(1, 12))
    ]
    modules = tuple(
        (rng.choice(["os", "datetime", "json", "typing"]), rng.choice(["dt", "t", "j"]))
        for _ in range(rng.randint(0, 2))
    )
    return uses, rng.randint(0, 2), modules


def test_random_import_blocks_are_isort_ordered(tmp_path: Path) -> None:
    rng = random.Random(20261125)
    cases = [random_uses(rng) for _ in range(150)]
    objections = ruff_objections([import_block(*case) for case in cases], "I", tmp_path)
    assert objections == {}, "\n\n".join(objections.values())


@pytest.mark.parametrize(
    "uses",
    [
        pytest.param([("re", "compile"), ("httpx", "Client")], id="re-is-stdlib"),
        pytest.param([("enum", "Enum"), ("typing", "Any")], id="enum-is-stdlib"),
        pytest.param([("urllib.parse", "urlsplit"), ("yaml", "safe_load")], id="urllib-is-stdlib"),
    ],
)
def test_any_stdlib_module_goes_in_the_stdlib_section(uses: list[Use], tmp_path: Path) -> None:
    assert ruff_objections([import_block(uses)], "I", tmp_path) == {}


def test_aliased_imports_are_ordered_by_name(tmp_path: Path) -> None:
    assert ruff_objections([import_block([(".x", "Foo", "F"), (".x", "BAR")])], "I", tmp_path) == {}


@pytest.mark.parametrize(
    "uses",
    [[("mod10", "a"), ("mod9", "b")], [("m", "f10"), ("m", "f9")]],
    ids=["modules", "names"],
)
def test_import_order_is_natural_for_digits(uses: list[Use], tmp_path: Path) -> None:
    assert ruff_objections([import_block(uses)], "I", tmp_path) == {}


def test_splice_without_its_mark_does_not_drop_imports() -> None:
    imports = Imports(depth=0)
    imports.uses("typing", "Any")
    try:
        spliced = imports.splice("x: Any = 1\n")
    except Exception:  # noqa: BLE001 - refusing loudly is a correct outcome
        return
    assert "from typing import Any" in spliced


ALL_CASES = [
    ["Client", "ENDPOINT", "__version__", "to_raw_response", "APIError", "A", "a", "_x", "Model"],
    ["AB", "APIResponse", "Ab", "ApiResponse", "aB", "ab"],
    ["FOO", "FOO_BAR", "F_B", "_Foo", "__all", "fooBar", "foo_bar"],
    ["ResultT", "Response", "Task", "TaskItem"],
]


@pytest.mark.parametrize("names", ALL_CASES)
def test_all_list_is_ruf022_sorted(names: list[str], tmp_path: Path) -> None:
    assert ruff_objections([all_list(names) + "\n"], "RUF022", tmp_path) == {}


def test_random_all_lists_are_ruf022_sorted(tmp_path: Path) -> None:
    rng = random.Random(7)
    cases = [all_list(rng.sample(NAMES, rng.randint(1, len(NAMES)))) + "\n" for _ in range(150)]
    objections = ruff_objections(cases, "RUF022", tmp_path)
    assert objections == {}, "\n".join(objections.values())


@pytest.mark.parametrize(
    "names", [["Item10", "Item2"], ["V10", "V2"]], ids=["classes", "constants"]
)
def test_all_list_sorts_digits_naturally(names: list[str], tmp_path: Path) -> None:
    assert ruff_objections([all_list(names) + "\n"], "RUF022", tmp_path) == {}


# -- headers ----------------------------------------------------------------------------------

HEADER = re.compile(
    r"Generated by dfsgen from (?P<sources>.+?)\. Do not edit: change the spec or the template and regenerate\."
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """black's cache for this module's builds (each edit re-formats only the files it changes)."""
    return tmp_path_factory.mktemp("format-cache")


@pytest.fixture(scope="module")
def files(cache: Path) -> dict[str, str]:
    return build_files(SPEC_DIR, cache)


def header_sources(path: str, text: str) -> list[str]:
    """The spec files a generated file's header names (fails when it has no header)."""
    if path.endswith(".json"):
        document = json.loads(text)
        comment = document.get("$comment") or document["x-dfsgen-generated"]
    elif path.endswith(".md"):
        first = text.split("\n", 1)[0]
        assert first.startswith("<!-- ") and first.endswith(" -->"), first
        comment = first[5:-4]
    else:
        lines = []
        for line in text.splitlines():
            if not line.startswith("# "):
                break
            assert len(line) <= LINE, line
            lines.append(line[2:])
        comment = " ".join(lines)
    match = HEADER.fullmatch(comment)
    assert match, f"{path}: no dfsgen header: {comment[:120]!r}"
    return match["sources"].split(", ")


def own_sources(api: Api) -> dict[str, set[str]]:
    """The spec files each generated file must at least name: the endpoint(s) it is made from."""
    package = api.package
    expected: dict[str, set[str]] = {}
    for endpoint in api.endpoints:
        expected[f"{package}/endpoints/{module_name(endpoint)}.py"] = {endpoint.spec_file}
        expected.setdefault(f"{package}/resources/{endpoint.group}.py", set()).add(
            endpoint.spec_file
        )
    every = {api.spec_file, *(endpoint.spec_file for endpoint in api.endpoints)}
    expected[f"{package}/__init__.py"] = every
    expected["README.md"] = every
    return expected


def test_every_generated_file_has_a_header_naming_its_spec_files(
    files: dict[str, str], api: Api
) -> None:
    needed = own_sources(api)
    for path, text in files.items():
        if path.endswith("py.typed"):
            continue
        named = header_sources(path, text)
        assert len(named) == len(set(named)), path
        for source in named:
            assert (ROOT / source).is_file(), f"{path} names {source}, which does not exist"
        assert needed.get(path, {api.spec_file}) <= set(named), path


def test_python_headers_are_followed_by_code_that_parses(files: dict[str, str]) -> None:
    for path, text in files.items():
        if path.endswith(".py"):
            ast.parse(text, filename=path)
            assert "\n\n" in text.split('"""', 1)[0], f"{path}: no blank line after the header"


def test_py_typed_is_empty(files: dict[str, str], api: Api) -> None:
    assert files[f"{api.package}/py.typed"] == ""


SPEC_EDITS = [
    pytest.param(
        "on_page/links.yaml", "\ntitle: Links\n", "\ntitle: Links Zebra\n", id="endpoint-title"
    ),
    pytest.param(
        "backlinks/index.yaml",
        "description: total number of pages our database contains for the moment of checking",
        "description: pages counted by the zebra census",
        id="response-field",
    ),
    pytest.param(
        "api.yaml",
        "description: Typed Python client for the DataForSEO API",
        "description: Zebra client for the DataForSEO API",
        id="api-description",
    ),
    pytest.param(
        "api.yaml",
        "\npath_prefix: /dataforseo\n",
        "\npath_prefix: /zebra\n",
        id="api-path-prefix",
    ),
]


@pytest.mark.parametrize(("spec_file", "old", "new"), SPEC_EDITS)
def test_a_spec_change_only_touches_files_whose_header_names_it(
    tmp_path: Path, files: dict[str, str], cache: Path, spec_file: str, old: str, new: str
) -> None:
    spec = Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))
    target = spec / spec_file
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1
    target.write_text(text.replace(old, new), encoding="utf-8")
    changed = {
        path: text for path, text in build_files(spec, cache).items() if files.get(path) != text
    }
    assert changed, "the edit must change something"
    for path, text in changed.items():
        assert f"spec/{spec_file}" in header_sources(path, text), path


# -- import order at the size of the whole upstream document -----------------------------------

# The groups and some endpoint modules of `dfsgen import-openapi docs/reference/dataforseo-openapi.json`:
# underscores against plain letters (``ai_optimization``, ``app_data``, ``appendix``) and a module
# name that is a prefix of another (``..._search_volume_live``, ``..._search_volume_history_live``).
UPSTREAM_GROUPS = [
    "serp",
    "on_page",
    "merchant",
    "keywords_data",
    "domain_analytics",
    "dataforseo_labs",
    "content_analysis",
    "business_data",
    "backlinks",
    "appendix",
    "app_data",
    "ai_optimization",
]
UPSTREAM_ENDPOINTS = [
    "keywords_data_bing_search_volume_live",
    "keywords_data_bing_search_volume_task_post",
    "keywords_data_bing_search_volume_history_live",
    "keywords_data_bing_search_volume_history_locations_and_languages",
    "serp_google_organic_live_advanced",
    "serp_google_organic_live_html",
    "dataforseo_labs_google_keywords_for_site_live",
    "dataforseo_labs_google_keyword_ideas_live",
    "app_data_apple_app_info_task_post",
    "appendix_user_data",
]


def test_import_block_for_every_upstream_group_is_isort_ordered(tmp_path: Path) -> None:
    def pascal(name: str) -> str:
        return "".join(part.title() for part in name.split("_"))

    # what _client.py imports from each resource module
    classes = ("Async{}", "Async{}WithRawResponse", "{}", "{}WithRawResponse")
    uses: list[Use] = [
        (f".resources.{group}", cls.format(pascal(group)))
        for group in UPSTREAM_GROUPS
        for cls in classes
    ]
    for endpoint in UPSTREAM_ENDPOINTS:
        uses.append((f".endpoints.{endpoint}", "ENDPOINT", endpoint.upper()))
        uses.append((f".endpoints.{endpoint}", pascal(endpoint) + "Result"))
    sources = [import_block(uses, depth) for depth in (0, 1)]
    assert ruff_objections(sources, "I", tmp_path) == {}, "\n\n".join(sources)


# Modules and names equal but for case: ignoring case alone leaves them tied, and a tie followed the
# order of use (modules) or the hash order of a set (names, which depends on PYTHONHASHSEED).
CASE_TWINS: list[Use] = [
    (".AB", "x"),
    (".ab", "x"),
    ("m", "aB"),
    ("m", "ab"),
    ("m", "Ab"),
    ("m", "AB"),
    ("m", "a_B"),
    ("m", "a_b"),
    ("m", "ab10"),
    ("m", "aB2"),
]


def test_case_twins_are_ordered_the_same_whatever_the_order_of_use(tmp_path: Path) -> None:
    orders = [CASE_TWINS, CASE_TWINS[::-1], random.Random(3).sample(CASE_TWINS, len(CASE_TWINS))]
    sources = [import_block(uses) for uses in orders]
    assert sources[0] == sources[1] == sources[2]
    assert ruff_objections(sources[:1], "I", tmp_path) == {}, sources[0]


# -- black-stable rendering: black's first pass already finds nothing to change -----------------
# black formats a second time whenever its first pass changed the text, so every change the
# templates leave to black costs a whole extra pass over the file.


def black(source: str) -> str:
    import black as black_module

    from generator.format import black_mode

    return black_module.format_str(source, mode=black_mode())


def short_diff(before: str, after: str, name: str) -> str:
    import difflib

    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), name, f"{name} (black)", n=1, lineterm="")
    return "\n".join(list(lines)[:40])


def test_every_rendered_module_of_the_real_specs_is_black_stable() -> None:
    from generator.pipeline import build_ir
    from generator.render import render_package

    rendered = render_package(build_ir(SPEC_DIR))
    modules = {path: text for path, text in rendered.items() if path.endswith(".py")}
    assert len(modules) > 20
    unstable = [short_diff(text, formatted, path) for path, text in modules.items() if (formatted := black(text)) != text]
    assert not unstable, f"{len(unstable)} rendered modules black would change:\n" + "\n\n".join(unstable)


@pytest.mark.parametrize("text", HOSTILE + ["'", '"', "a'b\"c", "two '' one \"", "\\'", '\\"', "it's \"a\" 'b'"])
def test_pyrepr_quotes_strings_as_black_does(text: str) -> None:
    source = f"x = {pyrepr(text)}\n"
    assert ast.literal_eval(pyrepr(text)) == text
    assert black(source) == source


# Each example runs black once; 50 cover the quote and backslash mixes without slowing the suite.
@settings(max_examples=50)
@given(st.text(alphabet=st.sampled_from("ab'\"\\\n \u00e9")))
def test_pyrepr_of_quote_and_backslash_mixes_is_black_stable(text: str) -> None:
    source = f"x = {pyrepr(text)}\n"
    assert ast.literal_eval(pyrepr(text)) == text
    assert black(source) == source


def test_pyrepr_quotes_as_black_does() -> None:
    assert pyrepr("targets") == '"targets"'
    assert pyrepr(["a", "it's"]) == '["a", "it\'s"]'


LONG = "referring_links_semantic_locations"
# (code before the line, the line's indentation, the line, code after it): black's layout of the
# whole must be the line as ``fit`` lays it out.
FIT_CASES = [
    ("", 0, "x = f(a, b)", ""),
    ("class A:\n    def f(self):\n        ", 8, f'self.{LONG} = as_mapping(value, path, "{LONG}")', ""),
    ("class A:\n    def f(self):\n        ", 8, f'self.{LONG}_and_more = value = get("{LONG}_and_more")', ""),
    ("", 0, f"y = call({LONG}, {LONG}, {LONG}, {LONG})", ""),
    ("", 0, "y = call(a, b,)", ""),
    ("x = dict(\n    ", 4, "checks=(MinItems(1), MaxItems(2),),", "\n)"),
    ("x = dict(\n    ", 4, 'checks=(Format("uuid"),),', "\n)"),
    ("x = dict(\n    ", 4, f'checks=(OneOf(("{LONG}", "{LONG}", "{LONG}")),),', "\n)"),
    ("x = dict(\n    ", 4, f"rules=(Rule({LONG!r}, '<=', {LONG!r}),),".replace("'", '"'), "\n)"),
    ("ROUTES = {\n    ", 4, f"{LONG}.ENDPOINT.path: ({LONG}.ENDPOINT, {LONG}.{LONG}),", "\n}"),
    ("", 0, f"__all__ = [{', '.join(repr(n) for n in ['a', LONG, 'b'])}]".replace("'", '"'), ""),
    ("", 0, f"__all__ = [{', '.join(repr(n) for n in [LONG] * 4)}]".replace("'", '"'), ""),
    ("", 0, f"def {LONG}_requests(*, today: Today = None) -> st.SearchStrategy[dict[str, Any]]:", "\n    pass"),
    ("", 0, f"def {LONG}_requests_and_more(method: Callable[P, T]) -> Callable[P, T]:", "\n    pass"),
    ("", 0, 'x = f("a (b, [c", "d)")', ""),
]


@pytest.mark.parametrize(("before", "indent", "line", "after"), FIT_CASES)
def test_fit_lays_a_line_out_as_black_does(before: str, indent: int, line: str, after: str) -> None:
    from generator.layout import fit

    source = f"{before}{line}{after}\n"
    assert f"{before}{fit(line, indent)}{after}\n" == black(source)


def test_long_import_statements_are_black_stable() -> None:
    imports = Imports(depth=1)
    for name in ("Bindings", "Model", "as_boolean", "as_integer", "as_mapping", "as_model", "as_models", "as_string"):
        imports.uses("._model", name)
    imports.uses(f".endpoints.{LONG}", "ENDPOINT", LONG.upper())
    imports.uses("._client", "to_raw_response")
    source = imports.splice("# <imports>\n\nx = (Bindings, Model, to_raw_response)\n")
    assert "from .._model import (\n    Bindings,\n" in source
    assert black(source) == source


@pytest.mark.parametrize("count", [1, 4, 30])
def test_all_lists_are_black_stable(count: int) -> None:
    source = all_list([f"name_{i}_{LONG[: i % 30]}" for i in range(count)]) + "\n"
    assert black(source) == source


def test_fit_tells_a_display_after_a_keyword_from_a_call() -> None:
    from generator.layout import fit

    line = f"return ({LONG}, {LONG}, {LONG})"
    source = f"def f():\n    {line}\n"
    assert f"def f():\n    {fit(line, 4)}\n" == black(source)


LONG_MODEL = "AppendixUserDataPriceDomainAnalyticsTechnologiesTechnologiesSummaryLivePriorityNormal"
# (code before, the function, the line's indentation, the line, code after): black's layout of the
# whole file must be the line as the function lays it out.
BLACK_LAID_CASES = [
    ("class A:\n    ", "statement", 4, f"priority_normal: list[{LONG_MODEL}] | None = None", ""),
    ("class A:\n    ", "statement", 4, f"short: list[{LONG_MODEL[:60]}] | None = None", ""),
    ("class A:\n    ", "statement", 4, f'key_: list[{LONG_MODEL[:50]}] | None = field(default=None, metadata={{JSON_KEY: "key"}})', ""),
    ("class A:\n    def f(self):\n        ", "statement", 8, f"return responses(module.{LONG_MODEL}Result)", ""),
    ("", "header", 0, f"class {LONG_MODEL}Searches(Model):", "\n    pass"),
    ("", "header", 0, f"def {LONG_MODEL.lower()}_responses() -> st.SearchStrategy[dict[str, Any]]:", "\n    pass"),
    ("class A:\n    def f(\n        self,\n        ", "parameter", 8,
     'os: Literal["windows", "macos", "android", "ios", "chromeos", "linux", "freebsd", "haiku"] | None = None,', "\n    ):\n        pass"),
    ("class A:\n    def f(\n        self,\n        ", "parameter", 8, f"by: {LONG_MODEL} | None = None,", "\n    ):\n        pass"),
    ("class A:\n    ", "statement", 4, "short: int | None = None", ""),
]


@pytest.mark.parametrize(("before", "function", "indent", "line", "after"), BLACK_LAID_CASES)
def test_lines_left_to_black_are_laid_out_as_in_the_whole_file(
    before: str, function: str, indent: int, line: str, after: str, tmp_path: Path
) -> None:
    from generator import layout

    lay = getattr(layout, function)
    laid = lay(line, indent, cache_dir=tmp_path)
    assert f"{before}{laid}{after}\n" == black(f"{before}{line}{after}\n")
    assert lay(line, indent, cache_dir=tmp_path) == laid
