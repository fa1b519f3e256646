"""The GAN loss code contracts: the discriminator's loss and both generator losses.

On batches of the discriminator's outputs ``d_real = D(x)``, ``x ~ p_r``, and
``d_fake = D(G(z))`` (Goodfellow et al. 2014, eq. 1 and §3; homework 1):

- discriminator: ``L_D = -mean log d_real - mean log(1 - d_fake)``, the estimate of ``-V(G, D)``
  that D minimises (a sum of two batch means, as ``BCE(real) + BCE(fake)``);
- saturating (minimax) generator loss: ``L_G = mean log(1 - d_fake)``, minimised by G;
- non-saturating generator loss: ``L_G = -mean log d_fake``.

The references are :mod:`genverify.numeric.gan`'s, which work on logits ``a`` with ``D = σ(a)``;
here ``a = log d - log(1 - d)``, so ``log σ(a) = log d`` to rounding.
"""

from __future__ import annotations

import numpy as np

from genverify.numeric import gan

from ..cases import READABLE
from ..contract import Case, CodeTarget, Mistake, Regime


def _logit(d: np.ndarray) -> np.ndarray:
    return np.log(d) - np.log1p(-d)


def _outputs(rng: np.random.Generator, kind: str, shape: tuple[int, ...]) -> np.ndarray:
    """D's outputs in (0, 1) of one kind (see the regimes below)."""
    if kind == READABLE:
        return rng.choice([0.1, 0.2, 0.25, 0.5, 0.75, 0.8, 0.9], size=shape)
    if kind in ("near 0 and 1", "saturated real", "saturated fake"):
        near_one = {"near 0 and 1": rng.random(shape) < 0.5, "saturated real": True,
                    "saturated fake": False}[kind]
        # Values near 0 stay above 1e-8: below, log(1 - d) as usually written (1 - d rounds
        # with absolute error 1e-16) misses log1p(-d) by more than the grader's relative 1e-6.
        return np.where(near_one, 1.0 - 10.0 ** rng.uniform(-12.0, -2.0, size=shape),
                        10.0 ** rng.uniform(-8.0, -2.0, size=shape))
    return rng.uniform(0.01, 0.99, size=shape)


def _shape(rng: np.random.Generator, regime: str) -> tuple[int, ...]:
    if regime == READABLE:
        return (int(rng.integers(2, 4)),)
    if regime == "one sample":
        return (1,)
    if regime == "batch shapes":
        shapes = ((4, 1), (2, 3), (1, 5), (2, 2, 2), (3,), ())
        return shapes[int(rng.integers(len(shapes)))]
    return (int(rng.integers(2, 65)),)


_EXTREME = ("Only D outputs close to 0 or 1 fail: take log(d) and log(1 - d) of the values "
            "as given, without clipping them or adding an ε inside the log.")

#: (regime, count, kind of d_real, kind of d_fake, hint): D's outputs readable, one sample per
#: batch (mean = sum), a typical batch, close to 0 and 1, D winning (real ≈ 1, fake ≈ 0: where the
#: saturating loss is flat), and batches of other shapes (each averaged over all its elements).
_REGIMES = (
    (READABLE, 6, READABLE, READABLE, ""),
    ("one sample", 4, "uniform", "uniform", ""),
    ("typical batch", 8, "uniform", "uniform", ""),
    ("near 0 and 1", 10, "near 0 and 1", "near 0 and 1", _EXTREME),
    ("D wins (D(x) ≈ 1, D(G(z)) ≈ 0)", 8, "saturated real", "saturated fake", _EXTREME),
    ("batch shapes", 8, "uniform", "uniform",
     "Only batches of other shapes fail: average each batch over all its elements, whatever its "
     "shape; d_real and d_fake may differ in size."),
)


def _regimes(arguments: tuple[str, ...]) -> tuple[Regime, ...]:
    def regime(name: str, count: int, kinds: dict[str, str], hint: str) -> Regime:
        def draw(rng: np.random.Generator) -> Case:
            return {arg: _outputs(rng, kinds[arg], _shape(rng, name)) for arg in arguments}
        return Regime(name, count, draw, hint)

    return tuple(regime(name, count, {"d_real": real, "d_fake": fake}, hint)
                 for name, count, real, fake, hint in _REGIMES)


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values))


def _sum(values: np.ndarray) -> float:
    return float(np.sum(values))


_LOGITS = ("d_real and d_fake are D's outputs, probabilities in (0, 1): the loss was computed "
           "as if they were logits (BCE-with-logits on probabilities), so σ was applied twice.")

_CLIPPED = ("D's outputs were clipped to [1e-7, 1 - 1e-7] (as Keras's binary_crossentropy does) "
            "before the logs; the contract takes log d and log(1 - d) of the values as given, "
            "which are never exactly 0 or 1.")

_SUM = ("The loss averages over the batch (mean), so it does not grow with the batch size; "
        "summing multiplies it by the number of samples.")


def _clipped(d: np.ndarray) -> np.ndarray:
    return np.clip(d, 1e-7, 1 - 1e-7)


def _discriminator(case: Case, reduce=_mean, *, sign: float = 1.0, swapped: bool = False) -> float:
    d_real, d_fake = (case["d_fake"], case["d_real"]) if swapped else (case["d_real"], case["d_fake"])
    return sign * -(reduce(np.log(d_real)) + reduce(np.log1p(-d_fake)))


def _pooled(case: Case) -> float:
    terms = np.concatenate([np.log(case["d_real"]).ravel(), np.log1p(-case["d_fake"]).ravel()])
    return float(-terms.mean())


DISCRIMINATOR_LOSS = CodeTarget(
    name="gan.discriminator_loss",
    result_id="gan.generator_objective",
    function="discriminator_loss",
    arguments=("d_real", "d_fake"),
    outputs=("loss",),
    signature="discriminator_loss(d_real, d_fake) -> float; D's loss -V(G, D) estimated: "
              "-(batch mean of log D(x)) - (batch mean of log(1 - D(G(z)))), minimised by D; "
              "d_real = D(x), d_fake = D(G(z)): float64 arrays of values in (0, 1), each batch of "
              "any shape and averaged over all its elements",
    reference=lambda c: gan.discriminator_loss(_logit(c["d_real"]), _logit(c["d_fake"]))[0],
    regimes=_regimes(("d_real", "d_fake")),
    mistakes=(
        Mistake("V(G, D) for -V(G, D) (sign)",
                "D maximises V(G, D) = E log D(x) + E log(1 - D(G(z))), so the loss it minimises "
                "is -V; the sign was dropped.",
                lambda c: _discriminator(c, sign=-1.0)),
        Mistake("sum for mean", _SUM, lambda c: _discriminator(c, _sum)),
        Mistake("one mean over both batches",
                "V(G, D) is a sum of two expectations, one per batch; one mean over the "
                "concatenated batch halves it when the batches have equal size.",
                _pooled),
        Mistake("real and fake swapped",
                "log D goes with the real samples and log(1 - D) with the generated ones.",
                lambda c: _discriminator(c, swapped=True)),
        Mistake("probabilities treated as logits", _LOGITS,
                lambda c: gan.discriminator_loss(c["d_real"], c["d_fake"])[0]),
        Mistake("outputs clipped to [1e-7, 1 - 1e-7]", _CLIPPED,
                lambda c: _discriminator({k: _clipped(v) for k, v in c.items()})),
    ),
    example='''import numpy as np


def discriminator_loss(d_real, d_fake):
    return -np.mean(np.log(d_real)) - np.mean(np.log(1.0 - np.asarray(d_fake)))
''',
)

_SATURATING = ("The saturating (minimax) loss is mean log(1 - D(G(z))), which G minimises; "
               "-mean log D(G(z)) is the non-saturating one (Goodfellow et al. 2014, §3).")
_NONSATURATING = ("The non-saturating loss is -mean log D(G(z)); mean log(1 - D(G(z))) is the "
                  "saturating (minimax) one, whose gradient vanishes when D(G(z)) ≈ 0.")

GENERATOR_LOSS_SATURATING = CodeTarget(
    name="gan.generator_loss_saturating",
    result_id="gan.vanishing_gradient",
    function="generator_loss_saturating",
    arguments=("d_fake",),
    outputs=("loss",),
    signature="generator_loss_saturating(d_fake) -> float; the minimax generator loss: batch "
              "mean of log(1 - D(G(z))), minimised by G (Goodfellow et al. 2014, eq. 1); "
              "d_fake = D(G(z)): a float64 array of values in (0, 1), any shape, averaged over "
              "all its elements",
    reference=lambda c: gan.generator_loss_saturating(_logit(c["d_fake"]))[0],
    regimes=_regimes(("d_fake",)),
    mistakes=(
        Mistake("non-saturating for saturating", _SATURATING,
                lambda c: -_mean(np.log(c["d_fake"]))),
        Mistake("sign",
                "G minimises V's second term E log(1 - D(G(z))) itself; -mean log(1 - D(G(z))) "
                "is the discriminator's fake term.",
                lambda c: -_mean(np.log1p(-c["d_fake"]))),
        Mistake("sum for mean", _SUM, lambda c: _sum(np.log1p(-c["d_fake"]))),
        Mistake("probabilities treated as logits", _LOGITS,
                lambda c: gan.generator_loss_saturating(c["d_fake"])[0]),
        Mistake("outputs clipped to [1e-7, 1 - 1e-7]", _CLIPPED,
                lambda c: _mean(np.log1p(-_clipped(c["d_fake"])))),
    ),
    example='''import numpy as np


def generator_loss_saturating(d_fake):
    return np.mean(np.log(1.0 - np.asarray(d_fake)))
''',
)

GENERATOR_LOSS_NONSATURATING = CodeTarget(
    name="gan.generator_loss_nonsaturating",
    result_id="gan.vanishing_gradient",
    function="generator_loss_nonsaturating",
    arguments=("d_fake",),
    outputs=("loss",),
    signature="generator_loss_nonsaturating(d_fake) -> float; the non-saturating generator "
              "loss: -(batch mean of log D(G(z))), minimised by G (Goodfellow et al. 2014, §3); "
              "d_fake = D(G(z)): a float64 array of values in (0, 1), any shape, averaged over "
              "all its elements",
    reference=lambda c: gan.generator_loss_nonsaturating(_logit(c["d_fake"]))[0],
    regimes=_regimes(("d_fake",)),
    mistakes=(
        Mistake("saturating for non-saturating", _NONSATURATING,
                lambda c: _mean(np.log1p(-c["d_fake"]))),
        Mistake("sign",
                "G maximises log D(G(z)), so the loss it minimises is -mean log D(G(z)); the sign "
                "was dropped.",
                lambda c: _mean(np.log(c["d_fake"]))),
        Mistake("sum for mean", _SUM, lambda c: -_sum(np.log(c["d_fake"]))),
        Mistake("probabilities treated as logits", _LOGITS,
                lambda c: gan.generator_loss_nonsaturating(c["d_fake"])[0]),
        Mistake("outputs clipped to [1e-7, 1 - 1e-7]", _CLIPPED,
                lambda c: -_mean(np.log(_clipped(c["d_fake"])))),
    ),
    example='''import numpy as np


def generator_loss_nonsaturating(d_fake):
    return -np.mean(np.log(d_fake))
''',
)

TARGETS = (DISCRIMINATOR_LOSS, GENERATOR_LOSS_SATURATING, GENERATOR_LOSS_NONSATURATING)
