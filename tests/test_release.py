"""The release tooling in scripts/: the workflow pin check and the glibc floor reader."""

import platform
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import glibc_floor  # noqa: E402
import lint_workflows  # noqa: E402


def test_every_action_the_release_workflow_uses_is_pinned():
    files = [*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob(".github/actions/*/action.yml")]
    assert files
    assert [ref for path in files for ref in lint_workflows.unpinned(path.read_text())] == []


def test_moving_tags_and_branches_count_as_unpinned():
    text = """
    steps:
      - uses: actions/checkout@v4
      - uses: "actions/cache@main"
      - uses: actions/setup-node@v4.4.0
      - uses: ./.github/actions/build
      - uses: some/action@0123456789abcdef0123456789abcdef01234567
    """
    assert lint_workflows.unpinned(text) == ["actions/checkout@v4", "actions/cache@main"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads a Linux ELF file")
def test_glibc_floor_of_this_python_is_at_most_the_running_glibc():
    pytest.importorskip("elftools")
    needs = glibc_floor.needed_versions(Path(sys.executable).resolve().read_bytes())
    running = platform.libc_ver()[1]
    assert "GLIBC" in needs
    assert glibc_floor._key(needs["GLIBC"]) <= glibc_floor._key(running)


def test_a_floor_above_the_maximum_names_the_file_that_sets_it():
    report = {"glibc": "2.35", "glibc_needed_by": "libpython3.11.so.1.0"}
    assert glibc_floor.check(report, "2.35") is None
    assert glibc_floor.check(report, None) is None
    problem = glibc_floor.check(report, "2.28")
    assert "libpython3.11.so.1.0" in problem and "2.35" in problem and "2.28" in problem
    assert glibc_floor.check({"glibc": "2.17", "glibc_needed_by": "x"}, "2.28") is None
