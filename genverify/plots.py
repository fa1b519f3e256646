"""What the docs' figure modules share: a fresh Agg figure, the ring target, and the plane's axes.

Figures use matplotlib's object-oriented API on the Agg canvas; pyplot's global state is never
touched.  A drawing function returns :class:`Drawing`: the figure and the numbers it measured,
which its caption quotes (``$name`` placeholders), so a caption never says more than the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from genverify.numeric.gmm import GaussianMixture, ring

RING = ring()  # 8 modes of std 0.05 on the circle of radius 2: the homework's target
RING_STD = float(np.sqrt(RING.variances[0]))
#: One colour per ring mode (tab10 without its grey), so a point's colour names its mode.
MODE_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive")


@dataclass(frozen=True)
class Drawing:
    """A drawn figure and the measured values its caption and "what to see" quote."""

    figure: MplFigure
    facts: dict[str, str] = field(default_factory=dict)


def new(ncols: int = 1, *, width: float = 5.2, height: float = 4.4, **subplot_kw):
    fig = MplFigure(figsize=(width * ncols, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols, squeeze=False, subplot_kw=subplot_kw)[0]
    return fig, axes


def mark_modes(ax, mixture: GaussianMixture = RING, label: str | None = "ring modes", coloured: bool = False) -> None:
    colours = MODE_COLOURS[:len(mixture.means)] if coloured else "crimson"
    ax.scatter(*mixture.means.T, marker="x", s=70, c=colours, linewidths=2.5, label=label, zorder=3)


def plane(ax, limit: float) -> None:
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def nearest_mode(points: np.ndarray, mixture: GaussianMixture = RING) -> tuple[np.ndarray, np.ndarray]:
    """Each point's nearest mode (index) and its distance to it."""
    distance = np.linalg.norm(points[:, None, :] - mixture.means[None, :, :], axis=2)
    nearest = distance.argmin(axis=1)
    return nearest, distance[np.arange(len(points)), nearest]
