"""The mixture-score code contract: the exact score of an isotropic Gaussian mixture.

For ``p(x) = Σ_k w_k N(x; μ_k, s_k² I)`` in ``D`` dimensions,
``∇ log p(x) = Σ_k r_k(x) (μ_k - x)/s_k²`` with responsibilities
``r_k(x) = w_k N(x; μ_k, s_k² I)/p(x)``, a softmax over k of
``log w_k - (D/2) log(2π s_k²) - ‖x - μ_k‖²/(2 s_k²)`` (Bishop 2006, eq. 9.13, differentiated).
It is the score a diffusion model learns when its data are a mixture, and the prior score
``s(x)`` of homework 2.5; the reference is :meth:`genverify.numeric.gmm.GaussianMixture.score`.
"""

from __future__ import annotations

import numpy as np

from genverify.numeric.gmm import GaussianMixture

from ..cases import READABLE
from ..contract import Case, CodeTarget, Mistake, Regime


def _mixture(rng: np.random.Generator, K: int, D: int, log10_variances: tuple[float, float],
             spread: float) -> dict:
    return {"weights": rng.dirichlet(np.ones(K)), "means": rng.normal(0.0, spread, size=(K, D)),
            "variances": 10.0 ** rng.uniform(*log10_variances, size=K)}


def _readable(rng: np.random.Generator) -> Case:
    D = int(rng.integers(1, 3))
    return {"x": rng.integers(-3, 4, size=D).astype(np.float64),
            "weights": np.array([0.5, 0.5]) if rng.random() < 0.5 else np.array([0.25, 0.75]),
            "means": rng.integers(-2, 3, size=(2, D)).astype(np.float64),
            "variances": rng.choice([0.5, 1.0, 2.0], size=2)}


def _points(rng: np.random.Generator, mixture: dict, batch: tuple[int, ...], scale: float) -> Case:
    D = mixture["means"].shape[1]
    return {"x": rng.normal(0.0, scale, size=batch + (D,)), **mixture}


def _one_component(rng: np.random.Generator) -> Case:
    return _points(rng, _mixture(rng, 1, int(rng.integers(1, 4)), (-1.0, 1.0), 3.0), (3,), 3.0)


def _random(rng: np.random.Generator) -> Case:
    mixture = _mixture(rng, int(rng.integers(2, 6)), int(rng.integers(1, 5)), (-1.0, 1.0), 3.0)
    return _points(rng, mixture, (int(rng.integers(1, 6)),), 3.0)


def _unequal_variances(rng: np.random.Generator) -> Case:
    """Variances from 0.01 to 10 in up to 8 dimensions: the s_k^{-D} factors of the densities
    differ by up to 10^{16} between components."""
    mixture = _mixture(rng, int(rng.integers(2, 5)), int(rng.integers(2, 9)), (-2.0, 1.0), 1.0)
    return _points(rng, mixture, (int(rng.integers(1, 4)),), 2.0)


def _far(rng: np.random.Generator) -> Case:
    """Points 30 to 100 away from every mean with variances ≤ 1, so every exp(-‖x - μ_k‖²/2s_k²)
    underflows to 0 and only log-sum-exp gives the responsibilities."""
    mixture = _mixture(rng, int(rng.integers(2, 5)), int(rng.integers(1, 4)), (-1.5, 0.0), 1.0)
    D = mixture["means"].shape[1]
    direction = rng.normal(size=(2, D))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    return {"x": rng.uniform(30.0, 100.0, size=(2, 1)) * direction, **mixture}


def _batch_shapes(rng: np.random.Generator) -> Case:
    mixture = _mixture(rng, int(rng.integers(2, 4)), int(rng.integers(1, 4)), (-1.0, 1.0), 3.0)
    batches = ((2, 3), (1, 4), (2, 1, 2), ())
    return _points(rng, mixture, batches[int(rng.integers(len(batches)))], 3.0)


def _high_dimension(rng: np.random.Generator) -> Case:
    """Flattened images (D = 256 to 784) with variances from 0.01 to 10: (2π s_k²)^(-D/2) leaves
    float64's range (it is 10^±300 at D ≈ 500), only its logarithm is usable."""
    D = int(rng.choice([256, 512, 784]))
    return _points(rng, _mixture(rng, int(rng.integers(2, 5)), D, (-2.0, 1.0), 0.5), (2,), 1.0)


def _score(case: Case, *, weights=None, variances=None) -> np.ndarray:
    mixture = GaussianMixture(case["weights"] if weights is None else weights, case["means"],
                              case["variances"] if variances is None else variances)
    return mixture.score(case["x"])


def _logits(case: Case, *, normalised: bool = True) -> np.ndarray:
    """``log w_k [- (D/2) log(2π s_k²)] - ‖x - μ_k‖²/(2 s_k²)``, shape (..., K)."""
    x, means, variances = case["x"], case["means"], case["variances"]
    logits = np.log(case["weights"]) - ((x[..., None, :] - means) ** 2).sum(-1) / (2 * variances)
    if normalised:
        logits = logits - 0.5 * means.shape[1] * np.log(2 * np.pi * variances)
    return logits


def _from_logits(case: Case, logits: np.ndarray, *, divide_by_p: bool = True) -> np.ndarray:
    """``Σ_k r_k (μ_k - x)/s_k²`` with ``r = softmax(logits)``, or ``r = exp(logits)`` (no 1/p)."""
    if divide_by_p:
        weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
        weights /= weights.sum(axis=-1, keepdims=True)
    else:
        weights = np.exp(logits)
    toward = (case["means"] - case["x"][..., None, :]) / case["variances"][:, None]
    return np.einsum("...k,...kd->...d", weights, toward)


GMM_SCORE = CodeTarget(
    name="diffusion.gmm_score",
    result_id="diffusion.conditional_score",
    function="gmm_score",
    arguments=("x", "weights", "means", "variances"),
    outputs=("score",),
    signature="gmm_score(x, weights, means, variances) -> ndarray; ∇_x log p(x) for "
              "p(x) = Σ_k w_k N(x; μ_k, s_k² I); x: float64 array of shape (..., D), points on "
              "the last axis; weights: (K,) positive, summing to 1; means: (K, D); variances: "
              "(K,) the s_k² > 0; returns x's shape",
    reference=_score,
    regimes=(
        Regime(READABLE, 6, _readable),
        Regime("one component", 4, _one_component),
        Regime("random mixtures", 10, _random),
        Regime("unequal variances, D ≤ 8", 8, _unequal_variances),
        Regime("far from every mode (exp underflows without log-sum-exp)", 8, _far,
               "Only points far from every mode fail: there every exp(-‖x - μ_k‖²/2s_k²) "
               "underflows to 0, so take the responsibilities as a softmax of the log-densities "
               "(subtract the largest before exp: log-sum-exp)."),
        Regime("batch shapes", 6, _batch_shapes,
               "Only batched points fail: x has shape (..., D) with any number of leading axes; "
               "compute on the last axis and broadcast over the others."),
        Regime("high dimension (256 ≤ D ≤ 784)", 6, _high_dimension,
               "Only high dimensions fail: (2π s_k²)^(-D/2) overflows or underflows there; keep "
               "it in the log-densities as -(D/2) log(2π s_k²)."),
    ),
    mistakes=(
        Mistake("variances read as precisions",
                "variances holds s_k², the covariance's scale; the score divides by it "
                "((μ_k - x)/s_k²), as the precision 1/s_k² multiplies.",
                lambda c: _score(c, variances=1.0 / c["variances"])),
        Mistake("variances read as standard deviations",
                "variances holds s_k², not s_k: it is not squared again.",
                lambda c: _score(c, variances=c["variances"] ** 2)),
        Mistake("density normalisation dropped",
                "Each component's density carries (2π s_k²)^{-D/2}; without it components of "
                "different variances get the wrong responsibilities.",
                lambda c: _from_logits(c, _logits(c, normalised=False))),
        Mistake("weights ignored",
                "The responsibilities are proportional to w_k N(x; μ_k, s_k² I): the weights enter.",
                lambda c: _score(c, weights=np.full(len(c["weights"]), 1.0 / len(c["weights"])))),
        Mistake("∇p for ∇log p",
                "Σ_k w_k N_k(x)(μ_k - x)/s_k² is ∇p(x); the score ∇log p(x) divides it by p(x), "
                "which makes the weights responsibilities that sum to 1.",
                lambda c: _from_logits(c, _logits(c), divide_by_p=False)),
        Mistake("sign", "The score points toward the means: (μ_k - x)/s_k², not (x - μ_k)/s_k².",
                lambda c: -_score(c)),
    ),
    example='''import numpy as np


def gmm_score(x, weights, means, variances):
    x = np.asarray(x, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    variances = np.asarray(variances, dtype=np.float64)
    D = means.shape[1]
    diff = means - x[..., None, :]
    logits = (np.log(weights) - 0.5 * D * np.log(2 * np.pi * variances)
              - (diff**2).sum(-1) / (2 * variances))
    r = np.exp(logits - logits.max(-1, keepdims=True))
    r /= r.sum(-1, keepdims=True)
    return np.einsum("...k,...kd->...d", r, diff / variances[:, None])
''',
)

TARGETS = (GMM_SCORE,)
