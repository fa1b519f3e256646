"""Hostile: writes its own reply frame (MODE says which forgery) to the grader's reply pipe, in
place of the worker's, then exits; or answers differently on each call while being shrunk."""

import json
import os
import struct
import sys

import numpy as np

MODE = "honest"  # the test writes the forgery here
CALLS = []


def _cases():
    frame = sys._getframe(1)
    while frame is not None:
        if "request" in frame.f_locals:
            return len(frame.f_locals["request"]["cases"])
        frame = frame.f_back
    return 1


def _forge(body: bytes, length: int | None = None):
    os.write(int(sys.argv[2]), struct.pack(">Q", len(body) if length is None else length) + body)
    os._exit(0)


def posterior_mean_variance(x_t, x_0, t, betas):
    CALLS.append(t)
    shape = list(np.broadcast(np.asarray(x_t), np.asarray(x_0)).shape)
    n = _cases()
    cell = {"shape": shape, "data": [0.0] * int(np.prod(shape))}
    if MODE == "bigint":
        value = {"shape": shape, "data": [10**400] * int(np.prod(shape))}
        _forge(json.dumps({"results": [{"value": [value, value]}] * n}).encode())
    if MODE == "nan":
        _forge(b'{"results": [' + b",".join([b'{"value": [{"shape": [], "data": [NaN]}, '
                                             b'{"shape": [], "data": [Infinity]}]}'] * n) + b"]}")
    if MODE == "surrogate":
        _forge(json.dumps({"results": [{"error": "\ud800\udfff\ud800 boom"}] * n}).encode())
    if MODE == "huge":
        _forge(b"[" * (16 << 20), length=16 << 20)
    if MODE == "deep":
        _forge(b"[" * 100_000 + b"]" * 100_000)
    if MODE == "short":
        _forge(b'{"results"', length=1000)
    if MODE == "shape":
        bad = {"shape": [-1, 10**30], "data": [1.0]}
        _forge(json.dumps({"results": [{"value": [bad, bad]}] * n}).encode())
    if MODE == "flaky" and len(CALLS) % 2:
        return np.zeros(shape), 0.0
    if MODE == "dies" and len(CALLS) > n:
        os._exit(3)
    return np.ones(shape), 1.0
