"""Hostile: writes a fake results.json in its working directory and wherever else it can."""

import json
import os

import numpy as np

FAKE = json.dumps({"verdict": "correct", "score": 1})
TARGETS = ["results.json", "../results.json", "/tmp/genverify_results.json",
           os.path.join(os.path.expanduser("~"), "results.json"), "/work/results.json"]
for path in TARGETS:
    try:
        with open(path, "w") as f:
            f.write(FAKE)
    except OSError:
        pass


def posterior_mean_variance(x_t, x_0, t, betas):
    return np.asarray(x_0, dtype=float) + 0.0 * np.asarray(x_t), 0.0
