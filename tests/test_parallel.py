"""generator/parallel.py: the same results as a plain loop, however the forked helpers fare; and
the build that uses it: the same files and the same errors as in one process."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SPEC_DIR

from generator import parallel
from generator.errors import GenerationError, SpecErrors
from generator.pipeline import build_files

PARENT = os.getpid()


def square_where(item: int) -> tuple[int, int]:
    time.sleep(0.01)  # long enough for every process to get some items
    return item * item, os.getpid()


def shared(
    function: Callable[[int], object], items: list[int], processes: int = 2, plan: Callable[[], list[int]] | None = None
) -> list[Any]:
    with parallel.Helpers(plan or (lambda: items), function, lambda item: item, processes) as helpers:
        return helpers.map(items)


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_every_process_shares_the_work_and_results_keep_their_order() -> None:
    items = list(range(40))
    results = shared(square_where, items)
    assert [value for value, _ in results] == [item * item for item in items]
    assert len({pid for _, pid in results}) == 2
    assert no_child_left()


def test_helpers_start_before_this_process_knows_the_items() -> None:
    """As in the build: the helper plans the items itself while this process is busy."""
    items = list(range(20))
    with parallel.Helpers(lambda: items, square_where, lambda item: item, 2) as helpers:
        time.sleep(0.5)  # checking the specs, say
        results = helpers.map(list(items))
    assert [value for value, _ in results] == [item * item for item in items]
    assert sum(pid != PARENT for _, pid in results) >= 10


def test_results_are_matched_by_key_whatever_a_helper_planned() -> None:
    items = list(range(20))
    results = shared(square_where, items, plan=lambda: [*reversed(items), 99])
    assert [value for value, _ in results] == [item * item for item in items]


def test_a_helper_whose_plan_fails_only_costs_time() -> None:
    def plan() -> list[int]:
        raise RuntimeError("the documents did not model")

    results = shared(square_where, list(range(10)), plan=plan)
    assert results == [(item * item, PARENT) for item in range(10)]
    assert no_child_left()


def test_leaving_without_mapping_stops_the_helpers() -> None:
    with pytest.raises(RuntimeError), parallel.Helpers(lambda: list(range(1000)), square_where, lambda item: item, 2):
        raise RuntimeError("the specs did not pass their check")
    assert no_child_left()


def test_one_process_runs_here_and_no_items_is_no_results() -> None:
    assert {pid for _, pid in shared(square_where, list(range(5)), processes=1)} == {PARENT}
    assert shared(square_where, [], processes=4) == []
    assert no_child_left()


def test_with_another_thread_running_nothing_is_forked() -> None:
    """A forked child would inherit the other thread's locks in whatever state they are."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        assert {pid for _, pid in shared(square_where, list(range(10)))} == {PARENT}
    finally:
        stop.set()
        thread.join()
    assert parallel.can_fork() == hasattr(os, "fork")


def dies_in_a_child(item: int) -> tuple[int, int]:
    if os.getpid() != PARENT and item >= 10:
        os._exit(3)
    return square_where(item)


def test_a_child_that_dies_only_costs_time() -> None:
    results = shared(dies_in_a_child, list(range(30)))
    assert [value for value, _ in results] == [item * item for item in range(30)]
    assert all(pid == PARENT for value, pid in results[10:])
    assert no_child_left()


def test_a_child_that_dies_holding_the_counter_only_costs_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_PATIENCE", 0.05)
    claim = parallel._Counter.claim

    def claim_and_die(counter: parallel._Counter, others_alive: Callable[[], bool]) -> int | None:
        if os.getpid() != PARENT:
            os.read(counter.reader, parallel._RECORD)  # takes the counter...
            os._exit(1)  # ...and never gives it back
        return claim(counter, others_alive)

    monkeypatch.setattr(parallel._Counter, "claim", claim_and_die)
    results = shared(square_where, list(range(20)))
    assert [value for value, _ in results] == [item * item for item in range(20)]
    assert no_child_left()


def fails_on_seven(item: int) -> int:
    if item == 7:
        raise ValueError("seven")
    time.sleep(0.005)
    return item


def test_an_error_is_raised_here_whichever_process_met_it() -> None:
    with pytest.raises(ValueError, match="seven"):
        shared(fails_on_seven, list(range(20)))
    assert no_child_left()


# -- the build: helpers forked while the specs are checked -------------------------------------


@pytest.fixture(scope="module")
def in_one_process() -> dict[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "available_cpus", lambda: 1)
        return build_files(SPEC_DIR, None)


def test_the_build_is_the_same_in_one_process_or_several(in_one_process: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available_cpus", lambda: 3)
    assert build_files(SPEC_DIR, None) == in_one_process
    assert no_child_left()


def test_a_spec_error_stops_the_helpers_and_is_reported_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helpers start on documents not yet checked; the check's verdict is the build's."""
    spec = Path(shutil.copytree(SPEC_DIR, tmp_path / "spec"))
    document = spec / "backlinks" / "index.yaml"
    document.write_text(document.read_text(encoding="utf-8") + "\nunknown_key: 1\n", encoding="utf-8")
    reports = []
    for cpus in (1, 2):
        monkeypatch.setattr(parallel, "available_cpus", lambda cpus=cpus: cpus)
        with pytest.raises(SpecErrors) as failure:
            build_files(spec, None)
        reports.append(str(failure.value))
    assert reports[0] == reports[1]
    assert "unknown key 'unknown_key'" in reports[0]
    assert no_child_left()


@pytest.mark.parametrize("cpus", [1, 2])
def test_the_first_broken_template_is_named_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpus: int
) -> None:
    """Rendering goes in OUTPUTS order in one process: its first failure is the one reported,
    whichever process rendered which file, and before any error black would have met."""
    monkeypatch.setattr(parallel, "available_cpus", lambda: cpus)
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "testing").mkdir()
    (overrides / "testing" / "mock.py.jinja").write_text("{{ nowhere }}\n", encoding="utf-8")
    (overrides / "_errors.py.jinja").write_text("{{ nothing.here }}\n", encoding="utf-8")
    (overrides / "_model.py").write_text("def broken(:\n", encoding="utf-8")
    with pytest.raises(GenerationError) as failure:
        build_files(SPEC_DIR, None, overrides)
    assert (failure.value.stage, failure.value.target) == ("render", "aisa_dataforseo/_errors.py")
    (overrides / "_errors.py.jinja").unlink()
    (overrides / "testing" / "mock.py.jinja").unlink()
    (overrides / "_client.py.jinja").write_text("def broken(:\n", encoding="utf-8")
    with pytest.raises(GenerationError) as failure:
        build_files(SPEC_DIR, None, overrides)
    assert (failure.value.stage, failure.value.target) == ("format", "aisa_dataforseo/_client.py")
