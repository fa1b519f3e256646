"""A non-editable install puts only the ``genverify`` package in site-packages.

``derivations/`` and ``numeric/`` sit at the top of the repository but install as
``genverify.derivations`` and ``genverify.numeric`` (pyproject ``package-dir``): generic
top-level names would collide with other distributions.  The test builds the wheel that
``pip install .`` installs, offline, from a copy of the sources (the shared tree's ``build/``
is left alone), and reads its file list.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wheel_names(tmp_path: Path) -> set[str]:
    source = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for folder in ("genverify", "derivations", "numeric"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "dist"), str(source)], check=True)
    (wheel,) = (tmp_path / "dist").glob("genverify-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def test_the_wheel_holds_only_the_genverify_package(tmp_path):
    names = _wheel_names(tmp_path)
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"genverify"}
    # The moved packages, their data files and the command modules are all inside it.
    for path in ("genverify/derivations/engine.py", "genverify/numeric/diffusion.py",
                 "genverify/grading/notation.lark", "genverify/commands/grading.py", "genverify/cli.py"):
        assert path in names, path
    assert not any(n.startswith(("derivations/", "numeric/")) for n in names)
