"""Hostile: leaves files named after NONCE in /tmp, /var/tmp, /dev/shm, /run/lock, home and its
working directory (the test replaces NONCE with a fresh name and looks for it afterwards)."""

import os

import numpy as np

NONCE = "genverify-left-behind"  # the test writes a fresh name here
for directory in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", os.path.expanduser("~"), "."):
    try:
        with open(os.path.join(directory, NONCE), "w") as handle:
            handle.write("left behind")
        os.mkdir(os.path.join(directory, NONCE + ".d"))
    except OSError:
        pass


def posterior_mean_variance(x_t, x_0, t, betas):
    return np.zeros(np.broadcast(np.asarray(x_t), np.asarray(x_0)).shape), 0.0
