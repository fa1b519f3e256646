"""The child side of ``grade-code``: import a student's submission and call it on plain data.

This file is never imported by the grader.  :mod:`genverify.grading.sandbox` passes its text to
``python -I -S -B -c`` in a fresh process inside the sandbox, so the child imports nothing of
genverify or of the reference: only the standard library and the environment's packages (NumPy
alone by default; a course environment's site-packages with ``--python``).  It runs under that
environment's interpreter, so it must work on Python 3.9 and later and on any NumPy.  Nothing of
the standard library is patched: the network is absent because the sandbox's own network
namespace holds only a loopback that is down, not because ``socket`` is disabled (``ssl``,
``tempfile`` and threads work).

Protocol, on two inherited pipes (never stdout, which the submission owns): each frame is an
8-byte big-endian length and a UTF-8 JSON object.  The child first sends 8 zero bytes (ready: it
started and owns nothing of the submission yet).  The grader sends ``{"source", "function",
"outputs"}``; the child answers ``{"imported": true, "signature"}`` or ``{"error"}``.  Then each
``{"cases": [...]}`` is answered with ``{"results": [...]}``, one ``{"value"}`` or ``{"error"}``
per case.  Arrays travel as ``{"shape", "data"}``.  The child only reports values: the grader
compares them with the reference and writes the verdict.
"""

import inspect
import json
import os
import struct
import sys
import types

import numpy as np

# Without a sandbox, as root, the child drops to nobody, who may not be able to read the
# interpreter's standard library: what a numeric submission is likely to import, imported first.
for _name in ("__future__", "cmath", "collections", "copy", "dataclasses", "decimal", "enum",
              "fractions", "functools", "glob", "itertools", "math", "numbers", "operator",
              "random", "re", "statistics", "typing", "warnings", "numpy.testing", "numpy.fft"):
    try:
        __import__(_name)
    except ImportError:
        pass

MAX_ELEMENTS = 1_000_000


def read_frame(fd):
    header = read_exact(fd, 8)
    if header is None:
        return None
    body = read_exact(fd, struct.unpack(">Q", header)[0])
    return None if body is None else json.loads(body.decode("utf-8"))


def read_exact(fd, n):
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def write_frame(fd, message):
    body = json.dumps(message).encode("utf-8")
    data = struct.pack(">Q", len(body)) + body
    while data:
        data = data[os.write(fd, data):]


def decode(value):
    if isinstance(value, dict) and "shape" in value:
        return np.asarray(value["data"], dtype=np.float64).reshape(value["shape"])
    return value


def encode(value):
    array = np.asarray(value, dtype=np.float64)
    if array.size > MAX_ELEMENTS:
        raise ValueError(f"returned an array of {array.size} elements")
    return {"shape": list(array.shape), "data": array.ravel().tolist()}


def gaussian_score(mean, variance):
    """The score ``-(x - mean) / variance`` of a Gaussian prior, built here from plain data."""
    mean = decode(mean)
    variance = decode(variance)

    def prior_score(x):
        return -(np.asarray(x, dtype=np.float64) - mean) / variance

    return prior_score


def describe(exc):
    text = str(exc)
    name = type(exc).__name__
    return f"{name}: {text[:300]}" if text else name


def call_case(function, case, outputs):
    args = [decode(a) for a in case["args"]]
    if "prior" in case:
        args.append(gaussian_score(**case["prior"]))
    try:
        result = function(*args)
        if outputs == 1:
            return {"value": [encode(result)]}
        if not isinstance(result, (tuple, list)) or len(result) != outputs:
            kind = type(result).__name__
            return {"error": f"returned a {kind}, expected a tuple of {outputs} values"}
        return {"value": [encode(v) for v in result]}
    except BaseException as exc:  # noqa: BLE001 - SystemExit and friends are the student's too
        return {"error": describe(exc)}


def drop_privileges(uid):
    """Without a sandbox (``--no-sandbox``) as root: become ``uid`` so RLIMIT_NPROC applies."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def main():
    request_fd, response_fd, uid = (int(a) for a in sys.argv[1:4])
    # The submission's prints (and NumPy's warnings) go nowhere: a full pipe would stall it, and
    # the grader reads bwrap's own set-up errors from stderr.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    # Ready: an empty frame.  Until it arrives, any failure is the sandbox set-up's, not the
    # submission's (which has not been read yet).
    os.write(response_fd, bytes(8))
    first = read_frame(request_fd)
    if uid >= 0:
        drop_privileges(uid)
    module = types.ModuleType("submission")
    module.__file__ = "submission.py"
    sys.modules["submission"] = module
    try:
        exec(compile(first["source"], "submission.py", "exec"), module.__dict__)
        function = getattr(module, first["function"])
        if not callable(function):
            raise TypeError(f"{first['function']} is not a function")
    except BaseException as exc:  # noqa: BLE001
        write_frame(response_fd, {"error": describe(exc)})
        return
    try:
        signature = str(inspect.signature(function))
    except (TypeError, ValueError):
        signature = "(?)"
    write_frame(response_fd, {"imported": True, "signature": signature})
    while True:
        request = read_frame(request_fd)
        if request is None:
            return
        results = [call_case(function, case, first["outputs"]) for case in request["cases"]]
        write_frame(response_fd, {"results": results})


main()
