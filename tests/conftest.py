"""Shared paths and the IR of the real specs, built once per session."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
DOCS_DIR = ROOT / "docs" / "api-pages"
TESTS_DIR = ROOT / "tests"
GENERATED_DIR = ROOT / "generated"
CI_EXAMPLES = 200
FUZZ_EXAMPLES = 5000

# The generator is imported from the checkout, and so is the generated package: the tests exercise
# exactly the committed generated/ tree, with nothing installed by hand.
for path in (ROOT, GENERATED_DIR):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from loopback import FLAVOURS, LoopbackServer, without_proxies

from generator.ir import Api
from generator.pipeline import build_ir
from generator.template_cache import VARIABLE as TEMPLATE_CACHE_VARIABLE

# Templates the tests compile are cached for this session only (inherited by the CLI runs they
# start), never in the user's own ~/.cache/dfsgen; a test that studies the cache sets its own.
_TEMPLATE_CACHE = tempfile.TemporaryDirectory(prefix="dfsgen-test-templates-")
os.environ.setdefault(TEMPLATE_CACHE_VARIABLE, _TEMPLATE_CACHE.name)


@pytest.fixture(scope="session")
def api() -> Api:
    """The IR of the real spec/ directory."""
    return build_ir(SPEC_DIR)


# Hypothesis profiles: "ci" (the default) is derandomized so every run checks the same examples;
# "fuzz" (`nox -s fuzz`, or HYPOTHESIS_PROFILE=fuzz) searches far longer with fresh randomness.
settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# -- the loopback HTTP server the client tests talk to ----------------------------------------


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the environment's proxy settings, calls go straight to 127.0.0.1."""
    without_proxies(monkeypatch)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """Each client test runs through Client and AsyncClient."""
    return str(request.param)
