"""Hostile: allocates memory without bound at import."""

hog = []
while True:
    hog.append(bytes(256 * 1024 * 1024))


def posterior_mean_variance(x_t, x_0, t, betas):
    return x_0, 0.0
