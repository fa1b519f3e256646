"""The ELBO bounds the log-likelihood: ``log p_θ(x_0) ≥ ELBO``, with equality iff ``q = p_θ(·|x_0)``.

Ho et al. (2020), eq. (3); Luo (2022), *Understanding Diffusion Models: A Unified Perspective*,
eqs. (34)–(43); Kingma & Welling (2019), *An Introduction to Variational Autoencoders*, eq. (2.8);
homework 2.2.  With ``ELBO = E_{q(x_{1:T}|x_0)}[log p_θ(x_{0:T}) - log q(x_{1:T}|x_0)]``:

1. Importance sampling: ``p_θ(x_0) = ∫ p_θ(x_{0:T}) dx_{1:T} = E_q[p_θ(x_{0:T})/q(x_{1:T}|x_0)]``
   (Jensen on this line gives the bound; the identity below gives it with its gap).
2. Bayes, pointwise: ``log p_θ(x_0) - [log p_θ(x_{0:T}) - log q] = log q - log p_θ(x_{1:T}|x_0)``,
   so, taking ``E_q``, ``log p_θ(x_0) - ELBO = KL(q(x_{1:T}|x_0) ‖ p_θ(x_{1:T}|x_0))``.
3. Gibbs (``derivations.gibbs``): that KL is ``Σ q φ(p_θ(·|x_0)/q) ≥ 0``, zero iff the two
   distributions are equal; and when they are, the log-ratio is the constant ``log p_θ(x_0)``.

Scope (what the engine checks): step 2's pointwise identity for arbitrary log-densities; the
expectations (steps 1–3 and the equality case) for a latent path ``x_{1:T}`` taking 3 values, with
``q`` positive and summing to 1 and the joint ``p_θ(x_0, x_{1:T})`` positive; for densities the
same sums are integrals.  "A sum of nonnegative terms is 0 iff every term is" is argued, not
checked.  The homework's answer to 2.2 ("we can't directly estimate the density, but we can
estimate it by sampling") is half of this: the ELBO is a bound, tight only at the true posterior,
and step 1 is the sampling estimate it alludes to.
"""

from __future__ import annotations

import sympy as sp

from . import gibbs
from .engine import All, Derivation, Domain, Equal, Step
from .notation import KL, Discrete

log_p0 = sp.Symbol("log p_θ(x_0)", real=True)
log_joint = sp.Symbol("log p_θ(x_{0:T})", real=True)
log_q = sp.Symbol("log q(x_{1:T}|x_0)", real=True)
log_posterior = sp.Symbol("log p_θ(x_{1:T}|x_0)", real=True)

#: The latent path's 3 values: ``q_i = q(x_{1:T} = i | x_0)`` (``q_3`` defined by normalisation)
#: and ``j_i = p_θ(x_0, x_{1:T} = i)``.
q1, q2, q3 = sp.symbols("q_1 q_2 q_3", positive=True)
j1, j2, j3 = sp.symbols("j_1 j_2 j_3", positive=True)
#: ``p_θ(x_0)`` in the equality case, where ``j_i = c q_i``.
c = sp.Symbol("c", positive=True)

Q = Discrete("q", (q1, q2, q3))
JOINT = (j1, j2, j3)
EVIDENCE = j1 + j2 + j3
POSTERIOR = Discrete("π", tuple(j / EVIDENCE for j in JOINT))


def elbo(joint=JOINT) -> sp.Expr:
    """``E_q[log p_θ(x_0, x_{1:T}) - log q(x_{1:T}|x_0)]`` over the 3 values."""
    return sp.Add(*(q * sp.log(j / q) for q, j in zip(Q.probabilities, joint)))


DOMAIN = Domain(
    intervals={log_p0: (-sp.oo, sp.oo), log_joint: (-sp.oo, sp.oo), log_q: (-sp.oo, sp.oo),
               q1: (0, 1), q2: (0, 1 - q1), j1: (0, sp.oo), j2: (0, sp.oo), j3: (0, sp.oo),
               c: (0, sp.oo), gibbs.y: (0, sp.oo)},
    definitions={log_posterior: log_joint - log_p0, q3: 1 - q1 - q2},
    hypotheses=("log p_θ(x_{1:T}|x_0) = log p_θ(x_{0:T}) - log p_θ(x_0) (Bayes)",
                "checked instance: x_{1:T} takes 3 values; q_i > 0 with Σ q_i = 1; "
                "p_θ(x_0, x_{1:T} = i) = j_i > 0, so p_θ(x_0) = Σ j_i and π_i = j_i/Σ j"),
)


def derivation(gap=lambda q, posterior: KL(q, posterior),
               weight=lambda q, j: j / q) -> Derivation:
    """The derivation; ``gap(q, π)`` is the claimed ``log p_θ(x_0) - ELBO`` and ``weight(q_i, j_i)``
    the importance weight whose ``q``-mean is claimed to be ``p_θ(x_0)``."""
    # Unevaluated products keep the weight p_θ/q visible (q·(j/q) would print as j).
    importance = Equal(sp.Add(*(sp.Mul(q, weight(q, j), evaluate=False) for q, j in zip(Q.probabilities, JOINT)),
                              evaluate=False), EVIDENCE)
    bayes = Equal(log_p0 - (log_joint - log_q), log_q - log_posterior)
    gap_is_kl = Equal(sp.log(EVIDENCE) - elbo(), gap(Q, POSTERIOR))
    tight = Equal(sp.log(c) - elbo(tuple(c * q for q in Q.probabilities)), 0)
    gibbs_parts = gibbs.relations(Q, POSTERIOR)
    # The steps are the two identities the theorem rests on; the claim is the theorem (the gap is
    # a KL, Gibbs makes it ≥ 0 and 0 only at equality, and then the bound is tight), checked once.
    steps = (
        Step(importance, "importance sampling: p_θ(x_0) = Σ_{x_{1:T}} p_θ(x_0, x_{1:T}) = E_q[p_θ(x_{0:T})/q]"),
        Step(bayes, "pointwise, for any densities: log p_θ(x_0) - log(p_θ(x_{0:T})/q) = log(q/p_θ(x_{1:T}|x_0)); "
                    "E_q of it is the claim's first line"),
    )
    return Derivation(
        claim=All((
            ("log p_θ(x_0) - ELBO = KL(q ‖ p_θ(·|x_0)), E_q of step 2", gap_is_kl),
            *((f"Gibbs: {why}", relation) for why, relation in gibbs_parts),
            ("tight at q = p_θ(·|x_0): p_θ(x_0, x_{1:T}) = p_θ(x_0) q makes the ELBO log p_θ(x_0)", tight),
        )),
        statement="log p_θ(x_0) - ELBO = KL(q(x_{1:T}|x_0) ‖ p_θ(x_{1:T}|x_0)) ≥ 0, with equality iff "
                  "q(x_{1:T}|x_0) = p_θ(x_{1:T}|x_0) (expectations checked for x_{1:T} on 3 values)",
        display_claim=r"\log p_\theta(x_0) - \mathrm{ELBO} = D_{\mathrm{KL}}\left(q(x_{1:T} \mid x_0) \,\|\, p_\theta(x_{1:T} \mid x_0)\right) \ge 0, \quad \text{with equality iff } q(x_{1:T} \mid x_0) = p_\theta(x_{1:T} \mid x_0)",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong bounds the engine must refute."""
    return {
        "bound reversed: ELBO - log p_θ(x_0) = KL": derivation(gap=lambda q, posterior: -KL(q, posterior)),
        "KL in the wrong direction, KL(p_θ(·|x_0) ‖ q)": derivation(gap=lambda q, posterior: KL(posterior, q)),
        "no gap: the ELBO claimed equal to log p_θ(x_0) (Jensen read as an equality)": derivation(
            gap=lambda q, posterior: 0),
        "importance weight inverted, q/p_θ": derivation(weight=lambda q, j: q / j),
    }
