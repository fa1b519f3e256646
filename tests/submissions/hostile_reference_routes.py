"""Hostile: finds the reference by every route (plain import, the editable finder, the source file
in site-packages or the source tree, paths learnt from ``__future__`` and NumPy) and uses it."""

from __future__ import annotations

import __future__
import importlib
import os
import sys

import numpy as np

BREACHED = []
for name in ("genverify", "genverify.numeric.diffusion", "numeric.diffusion", "numeric"):
    try:
        importlib.import_module(name)
        BREACHED.append(name)
    except Exception:  # noqa: BLE001
        pass
# The editable install's finder module, any .pth file naming the source tree, and the source
# tree itself: every directory above the standard library, NumPy and the working directory.
roots = set()
for start in (__future__.__file__, np.__file__, os.path.join(os.getcwd(), "x"), *sys.path):
    path = os.path.dirname(os.path.abspath(start))
    for _ in range(4):
        roots.add(path)
        path = os.path.dirname(path)
for root in sorted(roots):
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
        if directory.count(os.sep) > root.count(os.sep) + 3:
            dirs[:] = []
        for file in files:
            if file.startswith("__editable__") or file in ("diffusion.py", "code.py", "compare.py"):
                path = os.path.join(directory, file)
                try:
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        text = handle.read()
                except OSError:
                    continue
                if "genverify" in text or "def posterior_mean_variance" in text:
                    BREACHED.append(path)


def _reference(x_t, x_0, t, betas):
    alpha_bar = np.cumprod(1.0 - np.asarray(betas, dtype=float))
    prev = alpha_bar[t - 2] if t > 1 else 1.0
    beta_t = betas[t - 1]
    mean = (np.sqrt(prev) * beta_t * np.asarray(x_0)
            + np.sqrt(1.0 - beta_t) * (1.0 - prev) * np.asarray(x_t)) / (1.0 - alpha_bar[t - 1])
    return mean, beta_t * (1.0 - prev) / (1.0 - alpha_bar[t - 1])


def posterior_mean_variance(x_t, x_0, t, betas):
    """Right only if an attack above got through (the test sees "correct" and fails)."""
    if BREACHED:
        return _reference(x_t, x_0, t, betas)
    return np.zeros(np.broadcast(np.asarray(x_t), np.asarray(x_0)).shape), 0.0
