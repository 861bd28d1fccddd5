"""``nox -s e2e``: Schemathesis against the MockServer, driven by the exported ``openapi.json``.

Two runs over one server: ``--mode all`` (valid requests must be accepted, and their responses
must match the response schemas) and ``--mode negative`` (every request the schema refuses must
be refused), each with every check. A fixed seed and a bounded number of examples per operation
keep the run reproducible and short enough for CI; pass ``--max-examples`` to search longer.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "generated" / "openapi.json"
MODES = ("all", "negative")

sys.path.insert(0, str(ROOT / "generated"))

# The generated tree is imported from the checkout, as the tests do, not installed.
from aisa_dataforseo.testing import MockServer


def schemathesis(url: str, api_key: str, mode: str, max_examples: int, seed: int) -> list[str]:
    return [
        sys.executable, "-m", "schemathesis.cli", "run", str(OPENAPI),
        "--url", url,
        "--header", f"Authorization: Bearer {api_key}",
        "--mode", mode,
        "--checks", "all",
        "--max-examples", str(max_examples),
        "--seed", str(seed),
        "--workers", "1",
        "--no-color",
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="per operation and mode")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    failed: list[str] = []
    # Schemathesis keeps replay data in ./.schemathesis; a scratch directory keeps it out of the tree.
    with MockServer(seed=args.seed) as server, tempfile.TemporaryDirectory() as scratch:
        for mode in MODES:
            print(f"== schemathesis --mode {mode} against {server.base_url}", flush=True)
            command = schemathesis(server.base_url, server.api_key, mode, args.max_examples, args.seed)
            if subprocess.run(command, cwd=scratch, check=False).returncode != 0:
                failed.append(mode)
    if failed:
        print(f"schemathesis failed in mode(s): {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
