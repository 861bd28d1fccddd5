"""docs-diff: every kept page agrees with its spec; edited copies give exactly the expected report.

Each folder of tests/docs_edits/ is one case: ``edit.yaml`` names a page, its spec and the text
replacements that make the edited copy; ``expected.txt`` is the exact report (stdout).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.cli import EXIT_DRIFT, EXIT_OK, EXIT_SPEC, main
from generator.drift.annotations import annotated_locations, is_annotated

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "api-pages"
SPEC = ROOT / "spec"
CASES = sorted(path for path in (Path(__file__).parent / "docs_edits").iterdir() if path.is_dir())


def spec_for(page: Path) -> Path:
    return next(path for path in SPEC.rglob("*.yaml") if yaml.safe_load(path.read_text(encoding="utf-8")).get("page") == page.name)


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.txt")), ids=lambda path: path.stem)
def test_every_kept_page_agrees_with_its_spec(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs-diff", str(page), str(spec_for(page))]) == EXIT_OK
    assert capsys.readouterr().out.endswith("agree\n")


def edited_copy(case: Path, tmp_path: Path) -> tuple[Path, Path]:
    edit = yaml.safe_load((case / "edit.yaml").read_text(encoding="utf-8"))
    text = (PAGES / edit["page"]).read_text(encoding="utf-8")
    for change in edit["edits"]:
        assert text.count(change["old"]) == 1, f"{case.name}: the text to edit must occur once: {change['old']!r}"
        text = text.replace(change["old"], change["new"])
    copy = tmp_path / edit["page"]
    copy.write_text(text, encoding="utf-8")
    return copy, SPEC / edit["spec"]


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_an_edited_page_gives_the_expected_report(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page, spec = edited_copy(case, tmp_path)
    assert main(["docs-diff", str(page), str(spec)]) == EXIT_DRIFT
    captured = capsys.readouterr()
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert captured.out == expected
    assert f"{len(expected.splitlines())} difference(s)" in captured.err


def test_the_cases_cover_the_kinds_of_difference() -> None:
    reports = "".join((case / "expected.txt").read_text(encoding="utf-8") for case in CASES)
    for kind in ("maximum changed", "max_length changed", "enum changed", "type changed", "description changed", "added (", "removed"):
        assert kind in reports, kind
    assert 'request parameter "limit": maximum changed 1000 → 500' in reports


def test_a_file_that_is_not_a_page_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "empty.txt"
    page.write_text("nothing to see\n", encoding="utf-8")
    assert main(["docs-diff", str(page), str(SPEC / "backlinks" / "index.yaml")]) == EXIT_SPEC
    assert "empty.txt:1: no 'Response' / 'Successful response' section: not a documentation page" in capsys.readouterr().err


def test_a_broken_spec_is_bad_input_naming_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec" / "index.yaml"
    spec.parent.mkdir()
    (tmp_path / "spec" / "api.yaml").write_text((SPEC / "api.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    spec.write_text((SPEC / "backlinks" / "index.yaml").read_text(encoding="utf-8").replace("method: GET", "method: PUT"), encoding="utf-8")
    assert main(["docs-diff", str(PAGES / "backlinks_index.txt"), str(spec)]) == EXIT_SPEC
    err = capsys.readouterr().err
    assert "index.yaml:4: method:" in err


def test_a_comment_annotates_the_key_below_it_or_on_its_line() -> None:
    text = "params:\n  # inferred\n  - name: a\n    minimum: 1  # why\n    maximum: 2\n    # filter note\n    filter:\n      max_conditions: 8\n"
    annotated = annotated_locations(text)
    assert annotated == {("params", 0), ("params", 0, "name"), ("params", 0, "minimum"), ("params", 0, "filter")}
    assert is_annotated(annotated, ("params", 0, "filter", "max_conditions"))
    assert not is_annotated(annotated, ("params",))
    assert not is_annotated(frozenset({("params",)}), ("params", 0, "maximum"))


def test_an_inferred_spec_value_is_not_drift_but_a_stated_one_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """limit's minimum 1 carries a comment (the page does not state it); maximum does not."""
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    (spec_dir / "api.yaml").write_text((SPEC / "api.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (SPEC / "on_page" / "links.yaml").read_text(encoding="utf-8")
    comment = "    # The page gives only the maximum; a limit of 0 links asks for nothing, so 1 is the least.\n"
    assert comment in text
    (spec_dir / "links.yaml").write_text(text.replace(comment, ""), encoding="utf-8")
    assert main(["docs-diff", str(PAGES / "on_page_links.txt"), str(spec_dir / "links.yaml")]) == EXIT_DRIFT
    assert capsys.readouterr().out == 'on_page/links: request parameter "limit": minimum removed (was 1)\n'
