"""Run by a course interpreter (``grade-code --python PATH``) to say what the sandbox must mount.

This file is never imported by the grader: :func:`genverify.grading.isolation.course_environment`
passes its text to ``PATH -I -c`` (no ``PYTHON*`` variables, no user site; the environment's
own site-packages stay) and reads one JSON object from its stdout: the interpreter's binary,
standard library, site-packages, the shared-library directories it loaded, its version and the
distributions it holds; or ``{"error"}``.  It must run on any Python from 3.9 on, with only the
standard library and NumPy.
"""

import json
import os
import site
import sys
import sysconfig


def library_dirs(excluded):
    """Directories of the shared objects this process has mapped, those under ``excluded`` left
    out (a package's own libraries are mounted with the package)."""
    dirs = set()
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
        for line in maps:
            path = line.split(maxsplit=5)[-1].strip()
            if ".so" in path and path.startswith("/") and os.path.exists(path) \
                    and not any(path.startswith(e + os.sep) for e in excluded):
                dirs.add(os.path.dirname(path))
    return sorted(dirs)


def probe():
    if sys.version_info < (3, 9):
        return {"error": "it is Python %d.%d; the grading child needs 3.9 or later"
                         % sys.version_info[:2]}
    try:
        import numpy
    except Exception as exc:  # noqa: BLE001 - a broken NumPy install raises more than ImportError
        return {"error": f"it cannot import numpy ({type(exc).__name__}: {str(exc)[:200]})"}
    # Standard modules backed by system libraries (libssl, libffi, liblzma, libbz2, libz): loaded
    # here so that their directories are mounted and a submission can import them too.
    for name in ("ssl", "hashlib", "ctypes", "lzma", "bz2", "zlib", "decimal", "tempfile",
                 "threading"):
        try:
            __import__(name)
        except ImportError:
            pass
    base = {"base": sys.base_prefix, "platbase": sys.base_prefix}
    stdlib = sorted({os.path.realpath(sysconfig.get_path(key, vars=base))
                     for key in ("stdlib", "platstdlib")})
    sites = [os.path.realpath(p) for p in site.getsitepackages() if os.path.isdir(p)]
    sites = list(dict.fromkeys(sites))
    hidden = sorted({os.path.join(d, sub) for d in stdlib for sub in ("site-packages",
                                                                       "dist-packages")
                     if os.path.isdir(os.path.join(d, sub))} - set(sites))
    from importlib import metadata

    distributions = sorted({f"{d.metadata['Name']}=={d.version}"
                            for d in metadata.distributions(path=sites) if d.metadata['Name']})
    return {"interpreter": os.path.realpath(getattr(sys, "_base_executable", "")
                                            or sys.executable),
            "version": "%d.%d.%d" % sys.version_info[:3], "stdlib": stdlib, "hidden": hidden,
            "sites": sites, "libraries": library_dirs(stdlib + sites),
            "numpy": numpy.__version__, "distributions": distributions}


print(json.dumps(probe()))
