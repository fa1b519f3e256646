"""Hostile: runs shell commands when called (one would leave a file behind)."""

import os


def posterior_mean_variance(x_t, x_0, t, betas):
    status = os.system("touch /tmp/genverify_os_system_was_here; echo pwned")
    if status != 0:
        raise RuntimeError(f"os.system returned {status}")
    return x_0, 0.0
