"""A real-code corpus from what is installed on this machine, for when the pinned sdists
(bench/corpus.py) cannot be fetched.

    python bench/local_corpus.py            # builds bench/.cache/corpus-local, prints it

It copies the Python standard library of the interpreter running it (its .py files, tests
and data, without compiled files) and the source of a few large installed packages, when
present: sympy (maths, digit-heavy), botocore (JSON service models), cfnlint (JSON
schemas), jedi (typeshed stubs), moto (AWS mocks full of fake credentials), numpy. The
versions copied are printed and recorded in the folder, since they are not pinned.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
LOCAL = CACHE / "corpus-local"
PACKAGES = ("sympy", "botocore", "cfnlint", "jedi", "moto", "numpy")
SKIP_SUFFIXES = {".pyc", ".so", ".a", ".o", ".dll", ".dylib", ".exe"}


def _copy_tree(source: Path, destination: Path) -> None:
    def ignore(folder: str, names: list[str]) -> list[str]:
        return [
            n
            for n in names
            if Path(n).suffix in SKIP_SUFFIXES or n in ("site-packages", "__pycache__")
        ]

    shutil.copytree(source, destination, ignore=ignore, symlinks=True, dirs_exist_ok=True)


def build() -> Path:
    """The corpus folder, built once; its MANIFEST names what it holds."""
    manifest = LOCAL / "MANIFEST"
    if manifest.exists():
        return LOCAL
    shutil.rmtree(LOCAL, ignore_errors=True)
    lines = [f"stdlib python {sys.version.split()[0]}"]
    _copy_tree(Path(sysconfig.get_paths()["stdlib"]), LOCAL / "stdlib")
    base = {"base": sys.base_prefix, "platbase": sys.base_prefix}
    roots = [
        Path(sysconfig.get_paths()["purelib"]),
        Path(sysconfig.get_paths(vars=base)["purelib"]),
    ]
    for name in PACKAGES:
        for root in roots:
            found = list(metadata.distributions(name=name, path=[str(root)]))
            if found and (root / name).is_dir():
                _copy_tree(root / name, LOCAL / name)
                lines.append(f"{name} {found[0].version}")
                break
    manifest.write_text("\n".join(lines) + "\n")
    return LOCAL


def main() -> None:
    root = build()
    print(root)
    print((root / "MANIFEST").read_text(), end="")


if __name__ == "__main__":
    main()
