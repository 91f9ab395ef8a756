"""The oldest glibc a built Linux Clipset starts on.

    python scripts/glibc_floor.py dist/clipset               # report
    python scripts/glibc_floor.py dist/clipset --max 2.28    # fail above 2.28

That is the highest ``GLIBC_x.y`` symbol version needed by the executable or any ELF file
bundled in it: inside a one-file build's archive (read with PyInstaller's reader, nothing
is unpacked to disk) or under a one-folder build. Needs pyelftools (the ``build`` extra).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
# CArchive entries that are Python code or archives of it, never ELF files.
NOT_BINARY = {"m", "M", "s", "z", "Z", "o", "n"}
VERSION = re.compile(r"^(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+)*)$")


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def needed_versions(data: bytes) -> dict[str, str]:
    """The highest version this ELF file needs per family (GLIBC, GLIBCXX, CXXABI)."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection

    highest: dict[str, str] = {}
    for section in ELFFile(io.BytesIO(data)).iter_sections():
        if not isinstance(section, GNUVerNeedSection):
            continue
        for _library, auxiliaries in section.iter_versions():
            for aux in auxiliaries:
                match = VERSION.match(aux.name)
                if match:
                    family, version = match.groups()
                    if family not in highest or _key(version) > _key(highest[family]):
                        highest[family] = version
    return highest


def bundled_elf_files(executable: Path):
    """(name, bytes) of the executable and every ELF file it carries."""
    yield executable.name, executable.read_bytes()
    if executable.parent.joinpath("_internal").is_dir():  # one-folder build
        for path in sorted(executable.parent.joinpath("_internal").rglob("*")):
            if path.is_file() and not path.is_symlink():
                with path.open("rb") as f:
                    if f.read(4) == ELF_MAGIC:
                        yield str(path.relative_to(executable.parent)), path.read_bytes()
        return
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(executable))
    for name, entry in archive.toc.items():
        if entry[-1] not in NOT_BINARY:
            data = archive.extract(name)
            if data[:4] == ELF_MAGIC:
                yield name, data


def floor(executable: str | os.PathLike) -> dict:
    """The GLIBC floor, the file that sets it, and the libstdc++ versions needed."""
    highest: dict[str, tuple[str, str]] = {}
    count = 0
    for name, data in bundled_elf_files(Path(executable)):
        count += 1
        for family, version in needed_versions(data).items():
            if family not in highest or _key(version) > _key(highest[family][0]):
                highest[family] = (version, name)
    glibc, needed_by = highest.get("GLIBC", ("none", None))
    return {
        "glibc": glibc,
        "glibc_needed_by": needed_by,
        "elf_files": count,
        **{
            family.lower(): version
            for family, (version, _) in highest.items()
            if family != "GLIBC"
        },
    }


def check(report: dict, maximum: str | None) -> str | None:
    """Why the floor is too high for ``maximum``, or None when it is fine."""
    if maximum and report["glibc"] != "none" and _key(report["glibc"]) > _key(maximum):
        return (
            f"{report['glibc_needed_by']} needs GLIBC_{report['glibc']}, above the "
            f"{maximum} this build must run on"
        )
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executable")
    parser.add_argument("--max", help="fail when the floor is above this glibc (e.g. 2.28)")
    args = parser.parse_args()
    report = floor(args.executable)
    print(json.dumps(report, indent=2))
    problem = check(report, args.max)
    if problem:
        print(f"glibc floor too high: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
