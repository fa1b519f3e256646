"""Hostile: writes to the grader's install through a writable mmap, rename and new files (every
probe is content-preserving, so a breach shows as a "correct" verdict, not as damage)."""

import mmap
import os

import numpy as np

BREACHED = []
for root in ("/", os.path.dirname(os.path.dirname(np.__file__))):
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "tmp")]
        if directory.count(os.sep) > 8:
            dirs[:] = []
        for file in files:
            if not file.endswith(".py"):
                continue
            path = os.path.join(directory, file)
            try:
                with open(path, "r+b") as handle, mmap.mmap(handle.fileno(), 0) as view:
                    view[0:1] = view[0:1]
                BREACHED.append(f"mmap {path}")
            except (OSError, ValueError):
                pass
            try:
                os.rename(path, path)
                BREACHED.append(f"rename {path}")
            except OSError:
                pass
        try:
            probe = os.open(os.path.join(directory, ".genverify-probe"), os.O_CREAT | os.O_EXCL)
            os.close(probe)
            os.unlink(os.path.join(directory, ".genverify-probe"))
            BREACHED.append(f"create in {directory}")
        except OSError:
            pass


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
