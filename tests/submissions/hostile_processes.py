"""Hostile: starts processes every way it can (fork, posix_spawn, subprocess, os.system) and
64 busy threads, so that something outlives the grading."""

import os
import subprocess
import threading

import numpy as np

BREACHED = []
for start in (os.fork, lambda: os.posix_spawn("/bin/sleep", ["sleep", "600"], {}),
              lambda: subprocess.Popen(["sleep", "600"])):
    try:
        if start() == 0:
            os.execv("/bin/sleep", ["sleep", "600"])
        BREACHED.append(start)
    except OSError:
        pass


def spin():
    while True:
        pass


def posterior_mean_variance(x_t, x_0, t, betas):
    for _ in range(64):
        threading.Thread(target=spin, daemon=True).start()
    spin()
