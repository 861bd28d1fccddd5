"""Developer tasks. Each session installs what it needs into its own virtualenv.

    nox -s tests        the whole suite, hypothesis "ci" profile (the README's test command runs the same)
    nox -s fuzz         the property tests with the long "fuzz" profile
    nox -s lint         ruff on the generator, the tests and the generated package
    nox -s typecheck    mypy --strict on generator/ and generated/
    nox -s generate     regenerate generated/ from spec/ and templates/
    nox -s check        fail (exit 1, with a diff) when generated/ has drifted
    nox -s bench        benchmarks against peer tools, as ratios from one run (benchmarks/results.md)
    nox -s e2e          Schemathesis (--mode all and negative) against the mock server, over openapi.json
"""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests", "check"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run(
        "pytest",
        "tests/test_properties_requests.py",
        "tests/test_properties_responses.py",
        "tests/test_properties_generator.py",
        "tests/test_loader_fuzz.py",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": "fuzz"},
    )


@nox.session
def lint(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("ruff", "check", "generator", "noxfile.py", "benchmarks")
    session.run("ruff", "check", "generated")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("mypy", "--strict", "generator")
    session.chdir("generated")
    session.run("mypy", "--strict", "aisa_dataforseo")


@nox.session
def generate(session: nox.Session) -> None:
    session.install("-e", ".")
    session.run("dfsgen", "generate")


@nox.session
def check(session: nox.Session) -> None:
    session.install("-e", ".")
    session.run("dfsgen", "check")


@nox.session
def bench(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    # The peers are installed here only, never as dependencies of dfsgen.
    session.install("openapi-python-client", "datamodel-code-generator", "dataforseo-client")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def e2e(session: nox.Session) -> None:
    # Pinned: its checks are the gate, and a new release may add checks. Installed only here.
    session.install("schemathesis==4.30.1")
    session.run("python", "tests/e2e/run.py", *session.posargs)
