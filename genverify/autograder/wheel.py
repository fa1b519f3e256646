"""The genverify wheel a bundle carries, so the platform installs this very version from the bundle.

:func:`build_wheel` builds it from the source checkout that the running genverify was imported
from (``pip wheel --no-deps``, in a copy of the sources so the checkout's own ``build/`` is left
alone); :func:`check_wheel` accepts one built before (the
``--wheel`` option).  Either way the wheel's version must be the running genverify's: a bundle
whose grader differs from the one that wrote it would grade by other rules.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import genverify
from genverify import __version__

#: What ``pip wheel`` needs from a checkout (the layout in pyproject.toml's package-dir).
SOURCES = ("genverify", "derivations", "numeric")
FILES = ("pyproject.toml", "README.md")
_NAME = re.compile(r"genverify-([^-]+)-py3-none-any\.whl")


class WheelError(Exception):
    """No wheel can be had; the message says why and what to do."""


def checkout() -> Path | None:
    """The source checkout the running genverify comes from (``None`` for an installed wheel)."""
    root = Path(genverify.__file__).resolve().parent.parent
    return root if all((root / name).exists() for name in (*SOURCES, *FILES)) else None


def build_wheel(folder: Path) -> Path:
    """Build the wheel of the checkout into ``folder``; returns its path."""
    root = checkout()
    if root is None:
        raise WheelError("genverify runs from an installed wheel, not a source checkout: pass "
                         "--wheel WHEEL (the genverify wheel of this version)")
    with tempfile.TemporaryDirectory(prefix="genverify-wheel-") as scratch:
        source = Path(scratch) / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.pyc")
        for name in SOURCES:
            shutil.copytree(root / name, source / name, ignore=ignore)
        for name in FILES:
            shutil.copy(root / name, source / name)
        # Offline with this environment's setuptools where it has one (the test extra brings
        # it); else pip fetches setuptools into an isolated build environment.
        offline = ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *offline,
                               "--wheel-dir", str(Path(scratch) / "dist"), str(source)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise WheelError(f"building the genverify wheel failed: {last}")
        (wheel,) = (Path(scratch) / "dist").glob("genverify-*.whl")
        return check_wheel(Path(shutil.copy(wheel, folder / wheel.name)))


def check_wheel(path: Path) -> Path:
    """``path`` if it is a genverify wheel of the running version; :class:`WheelError` otherwise."""
    match = _NAME.fullmatch(path.name)
    if not path.is_file() or match is None:
        raise WheelError(f"{path} is not a genverify wheel (genverify-VERSION-py3-none-any.whl)")
    if match.group(1) != __version__:
        raise WheelError(f"{path} is genverify {match.group(1)}, but this is genverify {__version__}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise WheelError(f"{path} is not a zip archive") from None
    if "genverify/autograder/grader.py" not in names:
        raise WheelError(f"{path} has no genverify/autograder package")
    return path
