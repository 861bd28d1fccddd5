"""Generator properties: whatever text the docs hold, and whatever their JSON keys are called, the
generated package parses, imports, passes ``ruff check``, and keeps every JSON key as it is.

Each example copies spec/, injects drawn hostile text (quotes, triple quotes, backslashes, Jinja
``{{ }}``, newlines, right-to-left marks, NUL, emoji...) into descriptions, titles, a rule and enum
values, adds response fields and parameters named like Python keywords and builtins or with
characters no identifier has, renders the package with ``generator.pipeline.build_files`` and
writes it with ``generator.output.write_tree``. Then every .py must ``ast.parse``, the package
must import in a fresh interpreter (its own directory on sys.path) and round-trip a payload
keyed by the JSON names, through the model and through the client, and ``ruff check`` must pass.

Each example renders, formats, imports and lints a whole package (about two seconds), so these
properties run fewer examples than the profile's; the fuzz profile still runs many more.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, SPEC_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.names import MODEL_RESERVED, PARAM_RESERVED, python_name
from generator.output import write_tree
from generator.pipeline import build_files

PACKAGE = "aisa_dataforseo"
RUFF = Path(sys.executable).with_name("ruff")
# Rendering and linting a package per example is slow; the profile's count, scaled down (10 in
# "ci", 125 in "fuzz").
EXPENSIVE = settings(
    max_examples=max(10, settings.default.max_examples // 40),
    suppress_health_check=[HealthCheck.too_slow],
)

# "# <imports>" is the renderer's own marker comment; as doc text it must stay text.
PIECES = (
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\\n",
    "\\u00e9",
    "\\N{BULLET}",
    "{{ x }}",
    "{% if x %}",
    "{#",
    "}}",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x7f",
    "\u200f",
    "\u202e",
    "\u2028",
    "\ufeff",
    "#",
    "# <imports>",
    "`",
    "|",
    "*",
    "$",
    "%s",
    "{0}",
    "é",
    "Ω",
    "🦄",
    "🏳️‍🌈",
    "</code>",
    "--",
    "r'",
    'f"{x}"',
)
HOSTILE = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(codec="utf-8"), max_size=4)),
    max_size=8,
).map("".join)

# JSON keys no Python identifier can be, or that are keywords or shadow builtins.
FIELD_NAMES = (
    "from",
    "class",
    "type",
    "id",
    "items",
    "x-y",
    "2fa",
    "import",
    "None",
    "lambda",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "dict",
)
# "object" gets a child (and so a model of its own); "map" is an object the docs give no fields.
FIELD_TYPES = ("string", "integer", "number", "boolean", "object", "map", "string[]", "object[]")
PARAM_NAMES = ("from", "class", "x-y", "2fa", "type", "id")

FIELD_PARENT = "tasks.result.items.info"  # of backlinks/history_live; none of the names above
SPEC_FILE = Path("backlinks") / "history_live.yaml"


def yaml_safe(text: str) -> bool:
    return yaml.safe_load(yaml.safe_dump(text, allow_unicode=True)) == text


def rewrite(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )


def sample(kind: str, depth: int = 0) -> Any:
    """A JSON value of a spec type, for payloads."""
    return {
        "string": "s \"'\\ é",
        "integer": -7,
        "number": 1.5,
        "boolean": False,
        "object": {"value": "v", "unknown": [1]},
        "map": {"k": [1, None], "": {}},
        "string[]": ["a", "b"],
        "object[]": [{"value": "v"}, {}],
    }[kind]


@st.composite
def hostile_specs(draw: st.DrawFn) -> dict[str, Any]:
    """What to inject: text for each place, and fields and params with awkward names."""
    text = HOSTILE.filter(yaml_safe)
    enum = draw(
        st.lists(text.filter(lambda t: t.strip() != ""), min_size=1, max_size=3, unique=True)
    )
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=4, unique=True))
    params = draw(st.lists(st.sampled_from(PARAM_NAMES), max_size=3, unique=True))
    return {
        "package": draw(text),
        "title": draw(text.filter(lambda t: t.strip() != "")),
        "description": draw(text),
        "param": draw(text),
        "field": draw(text),
        "envelope": draw(text),
        "rule": draw(text),
        "enum": enum,
        "fields": {name: draw(st.sampled_from(FIELD_TYPES)) for name in names},
        "params": {name: draw(st.sampled_from(["string", "integer"])) for name in params},
    }


def inject(spec: Path, hostile: dict[str, Any]) -> None:
    def api(data: dict[str, Any]) -> None:
        data["package"]["description"] = hostile["package"]
        data["envelope"][0]["description"] = hostile["envelope"]

    def endpoint(data: dict[str, Any]) -> None:
        data["title"] = hostile["title"]
        data["description"] = hostile["description"]
        data["rules"][0]["description"] = hostile["rule"]
        for param in data["params"]:
            param["description"] = hostile["param"]
            if "enum" in param:
                param["enum"] = hostile["enum"]
                param["default"] = {"value": hostile["enum"][0], "applied_by": "server"}
        for name, kind in hostile["params"].items():
            extra: dict[str, Any] = {"name": name, "type": kind, "description": hostile["param"]}
            extra.update({"max_length": 10} if kind == "string" else {"minimum": 0})
            data["params"].append(extra)
        for field in data["response"]:
            field["description"] = hostile["field"]
        for name, kind in hostile["fields"].items():
            field = {"name": f"{FIELD_PARENT}.{name}", "type": "object" if kind == "map" else kind}
            data["response"].append({**field, "description": hostile["field"]})
            if kind.startswith("object"):
                data["response"].append(
                    {
                        "name": f"{FIELD_PARENT}.{name}.value",
                        "type": "string",
                        "description": hostile["field"],
                    }
                )

    rewrite(spec / "api.yaml", api)
    rewrite(spec / SPEC_FILE, endpoint)


# What runs in the fresh interpreter: imports, round trips by JSON key, a call by Python names.
PROBE = textwrap.dedent("""
    import json, sys
    tree, facts = sys.argv[1], json.loads(sys.argv[2])
    sys.path.insert(0, tree)
    import httpx
    import {package} as package
    assert package.__file__.startswith(tree), package.__file__
    assert "hypothesis" not in sys.modules, "importing the client must not import hypothesis"
    from {package} import Client, Response
    from {package}.endpoints import backlinks_history_live as module

    info = module.BacklinksHistoryLiveItemInfo
    payload = facts["payload"]
    parsed = info.from_dict(payload)
    assert parsed.to_dict() == payload and list(parsed.to_dict()) == list(payload), parsed.to_dict()
    for key, attr in facts["attrs"].items():
        value = getattr(parsed, attr)
        shown = value.to_dict() if hasattr(value, "to_dict") else (
            [v.to_dict() for v in value] if isinstance(value, list) and value and hasattr(value[0], "to_dict") else value)
        assert shown == payload[key], (key, attr, shown)
    assert parsed.extra == {{"unknown key": 1}}, parsed.extra

    body = {{"status_code": 20000, "tasks": [{{"status_code": 20000, "result": [
        {{"target": "example.com", "items": [{{"info": payload}}]}}]}}]}}
    sent = []
    def answer(request):
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=body)
    with Client("key", http_client=httpx.Client(transport=httpx.MockTransport(answer))) as client:
        response = client.backlinks.history_live(target="example.com", **facts["kwargs"])
    assert response.to_dict() == body, response.to_dict()
    assert sent == [dict(target="example.com", **facts["wire"])], sent

    from hypothesis import HealthCheck, given, settings
    from {package}.testing import strategies
    # As the suite's "ci" profile (conftest.py), which this child process does not load: a loaded
    # machine may draw slowly, and that says nothing about the generated package.
    @settings(max_examples=15, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategies.backlinks_history_live_requests(), strategies.backlinks_history_live_responses())
    def drawn(kwargs, body):
        module.ENDPOINT.build_body({{facts["names"].get(k, k): v for k, v in kwargs.items()}}, __import__("datetime").date.today())
        assert Response.parse(body, module.BacklinksHistoryLiveResult).to_dict() == body
    drawn()
    print("ok")
    """).format(package=PACKAGE)


def facts_for(hostile: dict[str, Any]) -> dict[str, Any]:
    payload = {name: sample(kind) for name, kind in hostile["fields"].items()}
    payload["unknown key"] = 1
    attrs = {name: python_name(name, MODEL_RESERVED) for name in hostile["fields"]}
    kwargs, wire, names = {}, {}, {}
    for name, kind in hostile["params"].items():
        value = "v" if kind == "string" else 3
        kwargs[python_name(name, PARAM_RESERVED)] = value
        names[python_name(name, PARAM_RESERVED)] = name
        wire[name] = value
    return {"payload": payload, "attrs": attrs, "kwargs": kwargs, "wire": wire, "names": names}


def build(spec: Path, out: Path, cache: Path) -> None:
    write_tree(build_files(spec, cache), out)


def check_tree(out: Path, facts: dict[str, Any]) -> None:
    for path in sorted(out.rglob("*.py")):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), json.dumps(facts)],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert probe.returncode == 0 and probe.stdout.strip() == "ok", probe.stderr[-3000:]
    lint = subprocess.run(
        [str(RUFF), "check", "--no-cache", "."],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-3000:]


@pytest.fixture(scope="module")
def black_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """black's cache, shared by the examples: only the files the injection changed are reformatted."""
    return tmp_path_factory.mktemp("black-cache")


@EXPENSIVE
@given(hostile=hostile_specs())
def test_hostile_specs_give_a_package_that_parses_imports_round_trips_and_lints(
    hostile: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, black_cache: Path
) -> None:
    work = tmp_path_factory.mktemp("hostile")
    spec = Path(shutil.copytree(SPEC_DIR, work / "spec"))
    inject(spec, hostile)
    out = work / "out"  # a directory of its own, so the probe imports this package and no other
    build(spec, out, black_cache)
    check_tree(out, facts_for(hostile))


PLAIN = {
    "package": "p",
    "title": "t",
    "description": "d",
    "param": "p",
    "field": "f",
    "envelope": "e",
    "rule": "r",
    "enum": ["one", "two"],
    "params": {},
    "fields": {},
}


@pytest.mark.parametrize("kind", FIELD_TYPES)
def test_every_awkward_field_name_keeps_its_json_key(
    kind: str, tmp_path: Path, black_cache: Path
) -> None:
    """Every name at once, in one shape, beside fields of every type: info has strings, an int,
    a bool and a list; a number and a map are added. A name that shadows a builtin type must not
    break a sibling's annotation."""
    fields = {name: kind for name in FIELD_NAMES} | {"a_number": "number", "a_map": "map"}
    hostile = {**PLAIN, "fields": fields, "params": {name: "string" for name in PARAM_NAMES}}
    spec = Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))
    inject(spec, hostile)
    build(spec, tmp_path / "out", black_cache)
    check_tree(tmp_path / "out", facts_for(hostile))


def test_the_readme_example_runs(tmp_path: Path) -> None:
    """The README's "Testing with the generated strategies" example, run as the test it is."""
    readme = (ROOT / "generated" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Testing with the generated strategies", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "test_readme_example.py").write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme_example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PYTHONPATH": str(ROOT / "generated"), "PATH": str(Path(sys.executable).parent)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout


def test_importing_the_strategies_without_hypothesis_says_what_to_install() -> None:
    probe = textwrap.dedent(f"""
        import sys
        sys.modules["hypothesis"] = None  # as if it were not installed
        import {PACKAGE}, {PACKAGE}.testing
        from {PACKAGE}.endpoints import on_page_links
        try:
            import {PACKAGE}.testing.strategies
        except ImportError as error:
            print(error)
        else:
            raise SystemExit("imported without hypothesis")
        """)
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT / "generated",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'aisa-dataforseo[testing]'" in result.stdout


def test_the_package_and_its_testing_module_do_not_import_hypothesis() -> None:
    probe = f"import sys, {PACKAGE}, {PACKAGE}.testing; print(sorted(m for m in sys.modules if m.startswith('hypothesis')))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT / "generated",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- regressions: inputs these properties once broke -------------------------------------------


def test_the_import_marker_in_doc_text_is_just_text(tmp_path: Path, black_cache: Path) -> None:
    """The renderer's marker comment in every kind of doc text (it once took the imports)."""
    marker = "see # <imports> here"
    places = ("title", "description", "param", "field", "rule", "package", "envelope")
    hostile = {**PLAIN, **{place: marker for place in places}, "fields": {"from": "string"}}
    spec = Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))
    inject(spec, hostile)
    build(spec, tmp_path / "out", black_cache)
    check_tree(tmp_path / "out", facts_for(hostile))


# -- client-side defaults ----------------------------------------------------------------------


def test_a_client_side_default_is_sent_when_the_argument_is_omitted(
    tmp_path: Path, black_cache: Path
) -> None:
    spec = Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))
    extra = {
        "name": "page_size",
        "type": "integer",
        "minimum": 1,
        "default": {"value": 7, "applied_by": "client"},
        "description": "how many",
    }
    rewrite(spec / SPEC_FILE, lambda data: data["params"].append(extra))
    out = tmp_path / "out"
    build(spec, out, black_cache)
    probe = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(out)!r})
        import httpx
        from {PACKAGE} import Client
        sent = []
        def answer(request):
            sent.append(json.loads(request.content))
            return httpx.Response(200, json={{"status_code": 20000, "tasks": []}})
        with Client("key", http_client=httpx.Client(transport=httpx.MockTransport(answer))) as client:
            client.backlinks.history_live(target="example.com")
            client.backlinks.history_live(target="example.com", page_size=3)
        print(json.dumps(sent))
        """)
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"target": "example.com", "page_size": 7},
        {"target": "example.com", "page_size": 3},
    ]
