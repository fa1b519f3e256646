"""The grading targets of the design: reference answers, allowed notation, typical mistakes.

Each reference is the formula the matching derivation proves (``derivations/``), written in the
objects the answer parser builds (``genverify.grading.parse``): schedule quantities ``beta(k)``,
``beta_bar(k)``, the posterior variance ``σ_q(t)²``, the density symbols and the functionals of
``genverify.grading.functionals``.  A mistake is a mutation of the reference with the sentence a
student reads when their answer equals it, and the partial credit it earns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import sympy as sp

from genverify.derivations.notation import beta, beta_bar, posterior_variance
from genverify.grading.functionals import P_G, P_R, JSDivergence, KLDivergence

t = sp.Symbol("t", integer=True, positive=True)
x_t = sp.Symbol("x_t", real=True)
x_0 = sp.Symbol("x_0", real=True)
x = sp.Symbol("x", real=True)
x_known = sp.Symbol("x_known", real=True)
M = sp.Symbol("M", real=True)
s_theta = sp.Symbol("s_θ(x)", real=True)

#: The two Gaussians of a KL divergence, ``N(μ_1, σ_1²)`` and ``N(μ_2, σ_2²)`` (as ``parse`` builds them).
mu_1, mu_2 = sp.symbols("μ_1 μ_2", real=True)
sigma_1, sigma_2 = sp.symbols("σ_1 σ_2", positive=True)

#: What a point of each kind of target fixes (see ``genverify.grading.evaluate``).
SCHEDULE, DENSITIES, FUNCTIONALS, INPAINTING = "schedule", "densities", "functionals", "inpainting"
#: Means and standard deviations of two Gaussians (every point draws them).
GAUSSIANS = "gaussians"


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: the reference mutated, and what to tell the student."""

    name: str
    expr: sp.Expr
    feedback: str
    credit: float = 0.0


@dataclass(frozen=True)
class Target:
    id: str
    description: str
    reference: sp.Expr
    kind: str
    #: Names a student may use, as ``genverify.grading.parse.symbol_names`` reports them (α, ᾱ,
    #: σ_q and SNR are written through ``beta`` and ``beta_bar``); shown when an answer uses others.
    allowed: frozenset[str]
    mistakes: tuple[Mistake, ...]
    #: Names that stand for the answer itself (as ``parse(..., used=)`` or ``symbol_names``
    #: reports them), each with how to show it: an answer using one restates the question.
    restates: dict[str, str] = field(default_factory=dict)


SCHEDULE_NAMES = frozenset({"beta", "beta_bar", "prod", "sum", "t"})

_BUILDERS: dict[str, Callable[[], Target]] = {}


def _defines(target_id: str):
    """Register the function that builds ``target_id``'s record (see :data:`TARGETS`)."""

    def register(build: Callable[[], Target]) -> Callable[[], Target]:
        _BUILDERS[target_id] = build
        return build

    return register


class _Targets(Mapping):
    """The targets by id, each built the first time it is looked up.

    Building a target makes its SymPy expressions and mistakes (and, for the posterior, imports
    its derivation); one ``genverify grade`` needs one target, so it builds only that one.
    """

    def __init__(self) -> None:
        self._built: dict[str, Target] = {}

    def __getitem__(self, target_id: str) -> Target:
        if target_id not in self._built:
            self._built[target_id] = _BUILDERS[target_id]()
        return self._built[target_id]

    def __iter__(self) -> Iterator[str]:
        return iter(_BUILDERS)

    def __len__(self) -> int:
        return len(_BUILDERS)


#: Every grading target by id, in the order ``genverify targets`` lists them.  Add a target by
#: writing a function that returns its :class:`Target`, decorated with ``@_defines(its id)``.
TARGETS: Mapping[str, Target] = _Targets()


@_defines("gan.optimal_discriminator")
def _gan_optimal_discriminator() -> Target:
    return Target(
        "gan.optimal_discriminator", "D*(x), the optimal discriminator for a fixed generator",
        P_R / (P_R + P_G), DENSITIES, frozenset({"p_r(x)", "p_g(x)"}),
        (Mistake("p_r and p_g swapped", P_G / (P_R + P_G),
                 "You swapped p_r and p_g: D*(x) is the probability that x is real, p_r/(p_r + p_g)."),
         Mistake("density ratio", P_R / P_G,
                 "p_r/p_g is a density ratio, not a probability: normalise by p_r + p_g.", 0.25),
         Mistake("constant one half", sp.Rational(1, 2),
                 "D* = 1/2 only at the equilibrium p_g = p_r; for a fixed generator it depends on x.")),
        {"D": "D*(x)"})


@_defines("gan.generator_objective")
def _gan_generator_objective() -> Target:
    return Target(
        "gan.generator_objective", "C(G) = max_D V(G, D), the generator's objective at the optimal D",
        -sp.log(4) + 2 * JSDivergence(P_R, P_G), FUNCTIONALS,
        frozenset({"p_r(x)", "p_g(x)", "KL", "JSD", "integral", "E"}),
        (Mistake("-log 4 dropped", 2 * JSDivergence(P_R, P_G),
                 "The constant -log 4 is missing: ∫(p_r + p_g) log 2 dx = 2 log 2 does not vanish.", 0.5),
         Mistake("factor 2 on the JSD dropped", -sp.log(4) + JSDivergence(P_R, P_G),
                 "KL(p_r‖m) + KL(p_g‖m) is 2·JSD(p_r‖p_g), not JSD.", 0.5),
         Mistake("-log 4 and the factor 2 dropped", JSDivergence(P_R, P_G),
                 "½KL(p_r‖m) + ½KL(p_g‖m) = JSD is not C(G): C(G) = -log 4 + 2·JSD (both the "
                 "constant and the factor 2 are missing).", 0.25),
         Mistake("KL(p_r‖p_g) for the JSD", -sp.log(4) + 2 * KLDivergence(P_R, P_G),
                 "The divergences are to the mixture m = (p_r + p_g)/2, which gives the JSD, "
                 "not KL(p_r‖p_g)."),
         Mistake("sign of log 4", sp.log(4) + 2 * JSDivergence(P_R, P_G),
                 "The constant is -log 4 (C(G) ≤ 0 at the optimum), not +log 4.", 0.5)))


@_defines("diffusion.forward_mean_coef")
def _diffusion_forward_mean_coef() -> Target:
    return Target(
        "diffusion.forward_mean_coef", "the coefficient of x_0 in the mean of q(x_t | x_0)",
        sp.sqrt(beta_bar(t)), SCHEDULE, SCHEDULE_NAMES,
        (Mistake("missing square root", beta_bar(t),
                 "The mean scales x_0 by √β̄_t (each step multiplies by √(1-β_t)); the square root is missing.", 0.5),
         Mistake("α_t for ᾱ_t", sp.sqrt(1 - beta(t)),
                 "√(1-β_t) = √α_t is one step; after t steps the coefficient is √ᾱ_t = √∏(1-β_i)."),
         Mistake("t-1 for t", sp.sqrt(beta_bar(t - 1)),
                 "The product runs up to t, not t-1: √β̄_t.", 0.5),
         Mistake("noise coefficient", sp.sqrt(1 - beta_bar(t)),
                 "√(1-β̄_t) multiplies the noise, not x_0.")))


@_defines("diffusion.forward_variance")
def _diffusion_forward_variance() -> Target:
    return Target(
        "diffusion.forward_variance", "the variance of q(x_t | x_0)",
        1 - beta_bar(t), SCHEDULE, SCHEDULE_NAMES,
        (Mistake("β̄_t for 1-β̄_t", beta_bar(t),
                 "β̄_t is the signal's share; the noise variance is 1 - β̄_t."),
         Mistake("standard deviation for variance", sp.sqrt(1 - beta_bar(t)),
                 "√(1-β̄_t) is the standard deviation; the variance is 1 - β̄_t.", 0.5),
         Mistake("t-1 for t", 1 - beta_bar(t - 1), "The product runs up to t: 1 - β̄_t.", 0.5),
         Mistake("one step's variance", beta(t),
                 "β_t is the variance added by the last step only; the variances accumulate to 1 - β̄_t.")))


@_defines("diffusion.posterior_mean")
def _diffusion_posterior_mean() -> Target:
    from genverify.derivations import diffusion_posterior

    mu_tilde = diffusion_posterior.MU_TILDE
    return Target(
        "diffusion.posterior_mean", "the mean of q(x_{t-1} | x_t, x_0)",
        mu_tilde, SCHEDULE, SCHEDULE_NAMES | {"x_t", "x_0"},
        (Mistake("missing square root on 1-β_t", mu_tilde.subs(sp.sqrt(1 - beta(t)), 1 - beta(t)),
                 "The coefficient of x_t has √(1-β_t) = √α_t, not 1-β_t.", 0.5),
         Mistake("coefficients of x_t and x_0 swapped", mu_tilde.xreplace({x_t: x_0, x_0: x_t}),
                 "The coefficients of x_t and x_0 are swapped: x_t's is √α_t(1-ᾱ_{t-1})/(1-ᾱ_t)."),
         Mistake("t for t-1 in β̄", mu_tilde.xreplace({beta_bar(t - 1): beta_bar(t)}),
                 "Both coefficients use ᾱ_{t-1} (the marginal of x_{t-1}), not ᾱ_t, in the numerator.", 0.5),
         Mistake("missing square root on β̄_{t-1}", mu_tilde.subs(sp.sqrt(beta_bar(t - 1)), beta_bar(t - 1)),
                 "The coefficient of x_0 has √ᾱ_{t-1}, the mean scale of q(x_{t-1} | x_0).", 0.5)))


@_defines("diffusion.posterior_variance")
def _diffusion_posterior_variance() -> Target:
    return Target(
        "diffusion.posterior_variance", "the variance of q(x_{t-1} | x_t, x_0)",
        posterior_variance(t), SCHEDULE, SCHEDULE_NAMES,
        (Mistake("forward step's variance", beta(t),
                 "β_t is the forward step's variance; conditioning on x_0 shrinks it to β_t(1-ᾱ_{t-1})/(1-ᾱ_t).", 0.25),
         Mistake("t and t-1 swapped", beta(t) * (1 - beta_bar(t)) / (1 - beta_bar(t - 1)),
                 "Numerator and denominator are swapped: σ̃_t² = β_t(1-ᾱ_{t-1})/(1-ᾱ_t) ≤ β_t.", 0.5),
         Mistake("β_t missing", (1 - beta_bar(t - 1)) / (1 - beta_bar(t)),
                 "The factor β_t is missing: the precisions 1/β_t·α_t and 1/(1-ᾱ_{t-1}) add.", 0.25),
         Mistake("standard deviation for variance", sp.sqrt(posterior_variance(t)),
                 "That is the standard deviation; the variance has no square root.", 0.5)),
        {"σ_q": "σ_q(t)", "σ̃": "σ̃_t", "β̃": "β̃_t"})


@_defines("diffusion.elbo_weight")
def _diffusion_elbo_weight() -> Target:
    weight = beta_bar(t - 1) * beta(t) ** 2 / (2 * posterior_variance(t) * (1 - beta_bar(t)) ** 2)
    return Target(
        "diffusion.elbo_weight",
        "the weight of E‖x̂_θ(x_t) - x_0‖² in the t-th denoising term of the negative ELBO",
        weight, SCHEDULE, SCHEDULE_NAMES,
        (Mistake("β_t for β_t²", beta_bar(t - 1) * beta(t) / (2 * posterior_variance(t) * (1 - beta_bar(t)) ** 2),
                 "The coefficient of x_0 in μ̃_t, √ᾱ_{t-1}β_t/(1-ᾱ_t), is squared: β_t², not β_t.", 0.5),
         Mistake("the homework's: β_t for β_t² and the sign dropped",
                 -beta_bar(t - 1) * beta(t) / (2 * posterior_variance(t) * (1 - beta_bar(t)) ** 2),
                 "Two mistakes (the homework's): the coefficient √ᾱ_{t-1}β_t/(1-ᾱ_t) must be squared "
                 "(β_t², not β_t), and the negative ELBO's KL term has a positive weight."),
         Mistake("factor ½ missing", 2 * weight,
                 "The Gaussian KL is ‖μ_1 - μ_2‖²/(2σ²): the factor ½ is missing.", 0.5),
         Mistake("sign", -weight,
                 "The negative ELBO's denoising term is a KL divergence, so its weight is positive: "
                 "½(SNR(t-1) - SNR(t)), and the SNR decreases with t.", 0.5)))


@_defines("diffusion.conditional_score")
def _diffusion_conditional_score() -> Target:
    return Target(
        "diffusion.conditional_score",
        "∇_x log p(x | x_known) with likelihood ∝ exp(-‖(x - x_known) ⊙ M‖²), one coordinate",
        s_theta - 2 * (x - x_known) * M, INPAINTING, frozenset({"x", "x_known", "M", "s_θ(x)"}),
        (Mistake("prior score missing", -2 * (x - x_known) * M,
                 "Bayes adds the prior's score: ∇ log p(x | x_known) = s_θ(x) + ∇ log p(x_known | x).", 0.5),
         Mistake("mask missing", s_theta - 2 * (x - x_known),
                 "Only the known coordinates are constrained: the likelihood term needs ⊙ M.", 0.5),
         Mistake("sign of the likelihood term", s_theta + 2 * (x - x_known) * M,
                 "The likelihood pulls x towards x_known: its gradient is -2(x - x_known) ⊙ M.", 0.25),
         Mistake("factor 2 missing", s_theta - (x - x_known) * M,
                 "∇‖v‖² = 2v: the likelihood's gradient is -2(x - x_known) ⊙ M.", 0.5)))


@_defines("diffusion.likelihood_bound")
def _diffusion_likelihood_bound() -> Target:
    # diffusion.likelihood_bound: the grammar has two density names, so p_r stands for
    # q(x_{1:T} | x_0) and p_g for p_θ(x_{1:T} | x_0); answers are graded on discrete laws as
    # the derivation checks them.
    return Target(
        "diffusion.likelihood_bound",
        "log p_θ(x_0) - ELBO, writing p_r for q(x_{1:T} | x_0) and p_g for p_θ(x_{1:T} | x_0)",
        KLDivergence(P_R, P_G), FUNCTIONALS, frozenset({"p_r(x)", "p_g(x)", "KL", "JSD", "integral", "E"}),
        (Mistake("no gap", sp.Integer(0),
                 "Jensen's inequality is strict unless q = p_θ(x_{1:T} | x_0): log p_θ(x_0) - ELBO is "
                 "KL(q ‖ p_θ(x_{1:T} | x_0)), zero only at the true posterior."),
         Mistake("KL reversed", KLDivergence(P_G, P_R),
                 "The ELBO's expectation is under q, so the gap is KL(q ‖ p_θ(x_{1:T} | x_0)), not the "
                 "reverse.", 0.5),
         Mistake("sign", -KLDivergence(P_R, P_G),
                 "log p_θ(x_0) ≥ ELBO: the gap is a KL divergence, nonnegative.", 0.5),
         Mistake("JSD for KL", JSDivergence(P_R, P_G),
                 "The gap is KL(q ‖ p_θ(x_{1:T} | x_0)): log q - log p_θ(x_{1:T} | x_0) averaged under q, "
                 "with no mixture.")))


@_defines("diffusion.dsm_target")
def _diffusion_dsm_target() -> Target:
    target = -(x_t - sp.sqrt(beta_bar(t)) * x_0) / (1 - beta_bar(t))
    return Target(
        "diffusion.dsm_target",
        "∇_{x_t} log q(x_t | x_0), the regression target of denoising score matching",
        target, SCHEDULE, SCHEDULE_NAMES | {"x_t", "x_0"},
        (Mistake("sign", -target,
                 "The score points from x_t back towards the mean √ᾱ_t x_0: -(x_t - √ᾱ_t x_0)/(1-ᾱ_t).", 0.5),
         Mistake("standard deviation for variance", -(x_t - sp.sqrt(beta_bar(t)) * x_0) / sp.sqrt(1 - beta_bar(t)),
                 "The log-density's gradient divides by the variance 1-ᾱ_t, not the standard deviation "
                 "(-ε/√(1-ᾱ_t) = -(x_t - √ᾱ_t x_0)/(1-ᾱ_t)).", 0.5),
         Mistake("√ᾱ_t on x_0 missing", -(x_t - x_0) / (1 - beta_bar(t)),
                 "The mean of q(x_t | x_0) is √ᾱ_t x_0, not x_0.", 0.5),
         Mistake("ᾱ_t for √ᾱ_t", -(x_t - beta_bar(t) * x_0) / (1 - beta_bar(t)),
                 "The mean of q(x_t | x_0) is √ᾱ_t x_0: the square root is missing.", 0.5)))


@_defines("diffusion.probability_flow_drift")
def _diffusion_probability_flow_drift() -> Target:
    drift = -beta(t) * (x + s_theta) / 2
    return Target(
        "diffusion.probability_flow_drift",
        "the drift f - ½g²∇log p_t of the probability-flow ODE of the VP SDE dx = -½β(t)x dt + √β(t) dw, "
        "writing β_t for β(t) and s_θ(x) for ∇_x log p_t(x)",
        drift, SCHEDULE, SCHEDULE_NAMES | {"x", "s_θ(x)"},
        (Mistake("the reverse SDE's drift", -beta(t) * (x / 2 + s_theta),
                 "f - g²∇log p is the reverse SDE's drift, which needs its noise √β dw̄ to keep p_t; the ODE "
                 "has half the score term: -½β(x + s_θ(x)).", 0.5),
         Mistake("sign of the score term", -beta(t) * (x - s_theta) / 2,
                 "The score enters as f - ½g²∇log p: -½β(x + s_θ(x)).", 0.5),
         Mistake("½ on f dropped", -beta(t) * (x + s_theta / 2),
                 "The VP SDE's drift is f = -½β x: -½β(x + s_θ(x)).", 0.5),
         Mistake("forward drift only", -beta(t) * x / 2,
                 "-½βx is the forward SDE's drift; the probability flow also has -½g²∇log p_t.")))


@_defines("gan.nonsaturating_divergence")
def _gan_nonsaturating_divergence() -> Target:
    return Target(
        "gan.nonsaturating_divergence",
        "the divergence whose θ-gradient the non-saturating loss -E_{p_g} log D* follows at D* (no additive constant)",
        KLDivergence(P_G, P_R) - 2 * JSDivergence(P_R, P_G), FUNCTIONALS,
        frozenset({"p_r(x)", "p_g(x)", "KL", "JSD", "integral", "E"}),
        (Mistake("sign of the JSD term", KLDivergence(P_G, P_R) + 2 * JSDivergence(P_R, P_G),
                 "Arjovsky & Bottou's Thm 2.5: KL(p_g‖p_r) - 2 JSD; the JSD enters with a minus sign, "
                 "pushing p_g away from p_r.", 0.5),
         Mistake("forward KL", KLDivergence(P_R, P_G) - 2 * JSDivergence(P_R, P_G),
                 "The KL is the reverse one, KL(p_g‖p_r): the expectation is over the generator's samples.", 0.5),
         Mistake("factor 2 on the JSD dropped", KLDivergence(P_G, P_R) - JSDivergence(P_R, P_G),
                 "∇ E_{p_g}[log(1 - D*)] = ∇ 2JSD, so the JSD term has the factor 2.", 0.5),
         Mistake("the saturating loss's divergence", 2 * JSDivergence(P_R, P_G),
                 "2 JSD is what the saturating loss E log(1 - D*) follows; -log D* follows KL(p_g‖p_r) - 2 JSD."),
         Mistake("the JSD term missing", KLDivergence(P_G, P_R),
                 "Besides KL(p_g‖p_r) the non-saturating gradient has -2 JSD(p_g‖p_r).", 0.25)))


# Tweedie, the ε-weight and DDIM (issue 13): the references are the formulas that
# ``diffusion.tweedie`` and ``diffusion.ddim_marginals`` prove.  The score ∇ log q_t(x_t) is written
# s_θ(x_t), which the parser reads as the score symbol ``s_θ(x)``.


@_defines("diffusion.tweedie_x0")
def _diffusion_tweedie_x0() -> Target:
    reference = (x_t + (1 - beta_bar(t)) * s_theta) / sp.sqrt(beta_bar(t))
    return Target(
        "diffusion.tweedie_x0",
        "E[x_0 | x_t] for x_t = √β̄_t x_0 + √(1-β̄_t) ε, in terms of x_t and the score s_θ(x_t) = ∇ log q_t(x_t) "
        "(Tweedie's formula)",
        reference, SCHEDULE, SCHEDULE_NAMES | {"x_t", "s_θ(x)"},
        (Mistake("noise variance missing", (x_t + s_theta) / sp.sqrt(beta_bar(t)),
                 "Tweedie multiplies the score by the noise variance: E[√β̄_t x_0 | x_t] = x_t + (1-β̄_t) ∇log q_t(x_t).",
                 0.5),
         Mistake("standard deviation for variance", (x_t + sp.sqrt(1 - beta_bar(t)) * s_theta) / sp.sqrt(beta_bar(t)),
                 "The score is multiplied by the variance 1-β̄_t, not the standard deviation √(1-β̄_t) "
                 "(that factor turns the score into -ε̂).", 0.5),
         Mistake("β̄_t for √β̄_t", (x_t + (1 - beta_bar(t)) * s_theta) / beta_bar(t),
                 "x_t scales x_0 by √β̄_t, so E[x_0 | x_t] divides by √β̄_t, not β̄_t.", 0.5),
         Mistake("sign of the score term", (x_t - (1 - beta_bar(t)) * s_theta) / sp.sqrt(beta_bar(t)),
                 "The score points towards the data: E[√β̄_t x_0 | x_t] = x_t + (1-β̄_t) s, with a plus.", 0.25),
         Mistake("not divided by √β̄_t", x_t + (1 - beta_bar(t)) * s_theta,
                 "x_t + (1-β̄_t) s is E[√β̄_t x_0 | x_t]; divide by √β̄_t for E[x_0 | x_t].", 0.5)))


@_defines("diffusion.eps_weight")
def _diffusion_eps_weight() -> Target:
    weight = beta(t) ** 2 / (2 * posterior_variance(t) * (1 - beta(t)) * (1 - beta_bar(t)))
    return Target(
        "diffusion.eps_weight",
        "the weight of E‖ε - ε_θ(x_t)‖² in the t-th denoising term of the negative ELBO, with "
        "σ_t² = σ_q(t)² (Ho et al. 2020, eq. 12)",
        weight, SCHEDULE, SCHEDULE_NAMES,
        (Mistake("L_simple's weight", sp.Integer(1),
                 "1 is L_simple's weight, a reweighting Ho et al. chose; the ELBO's weight is "
                 "β_t²/(2σ_t²α_t(1-ᾱ_t)).", 0.25),
         Mistake("α_t missing", beta(t) ** 2 / (2 * posterior_variance(t) * (1 - beta_bar(t))),
                 "μ_θ = (x_t - β_t/√(1-ᾱ_t) ε_θ)/√α_t: squaring the 1/√α_t gives a factor 1/α_t.", 0.5),
         Mistake("β_t for β_t²", beta(t) / (2 * posterior_variance(t) * (1 - beta(t)) * (1 - beta_bar(t))),
                 "The means differ by β_t/(√α_t √(1-ᾱ_t)) (ε - ε_θ); squared, that is β_t².", 0.5),
         Mistake("the x_0-weight", beta_bar(t - 1) * beta(t) ** 2 / (2 * posterior_variance(t) * (1 - beta_bar(t)) ** 2),
                 "That is the weight of ‖x̂_0 - x_0‖²; with ε the weight is divided by SNR(t) = ᾱ_t/(1-ᾱ_t).", 0.25),
         Mistake("factor ½ missing", 2 * weight,
                 "The Gaussian KL with equal variances is ‖μ_1 - μ_2‖²/(2σ²): the factor ½ is missing.", 0.5)))


@_defines("diffusion.ddim_mean")
def _diffusion_ddim_mean() -> Target:
    mean = sp.sqrt(beta_bar(t - 1)) * x_0 + sp.sqrt(1 - beta_bar(t - 1)) * (x_t - sp.sqrt(beta_bar(t)) * x_0) / sp.sqrt(
        1 - beta_bar(t))
    return Target(
        "diffusion.ddim_mean",
        "x_{t-1} of the deterministic DDIM step (η = 0) from x_t, with x̂_0 = x_0, in terms of x_t and x_0",
        mean, SCHEDULE, SCHEDULE_NAMES | {"x_t", "x_0"},
        (Mistake("DDPM's posterior mean", (sp.sqrt(1 - beta(t)) * (1 - beta_bar(t - 1)) * x_t
                                           + sp.sqrt(beta_bar(t - 1)) * beta(t) * x_0) / (1 - beta_bar(t)),
                 "μ̃_t is DDIM's mean at η = 1 (σ² = σ̃_t²); at η = 0 the noise direction keeps its full weight "
                 "√(1-ᾱ_{t-1}).", 0.25),
         Mistake("square root missing on the direction", sp.sqrt(beta_bar(t - 1)) * x_0
                 + (1 - beta_bar(t - 1)) * (x_t - sp.sqrt(beta_bar(t)) * x_0) / sp.sqrt(1 - beta_bar(t)),
                 "ε̂ has unit variance, so it is scaled by the standard deviation √(1-ᾱ_{t-1}).", 0.5),
         Mistake("ε̂ not normalised", sp.sqrt(beta_bar(t - 1)) * x_0
                 + sp.sqrt(1 - beta_bar(t - 1)) * (x_t - sp.sqrt(beta_bar(t)) * x_0),
                 "x_t - √ᾱ_t x_0 is √(1-ᾱ_t) ε; divide by √(1-ᾱ_t) to get ε̂.", 0.5),
         Mistake("t for t-1 on x_0", sp.sqrt(beta_bar(t)) * x_0
                 + sp.sqrt(1 - beta_bar(t - 1)) * (x_t - sp.sqrt(beta_bar(t)) * x_0) / sp.sqrt(1 - beta_bar(t)),
                 "x_{t-1} has the marginal of step t-1: its signal is √ᾱ_{t-1} x̂_0.", 0.5)))


@_defines("diffusion.gaussian_kl")
def _diffusion_gaussian_kl() -> Target:
    def kl(m_1, s_1, m_2, s_2):
        return sp.log(s_2 / s_1) + (s_1**2 + (m_1 - m_2) ** 2) / (2 * s_2**2) - sp.Rational(1, 2)

    reference = kl(mu_1, sigma_1, mu_2, sigma_2)
    return Target(
        "diffusion.gaussian_kl", "KL(N(μ_1, σ_1²) ‖ N(μ_2, σ_2²)) for one coordinate, σ_1, σ_2 > 0",
        reference, GAUSSIANS, frozenset({"μ_1", "μ_2", "σ_1", "σ_2"}),
        (Mistake("log-ratio inverted", reference - 2 * sp.log(sigma_2 / sigma_1),
                 "The KL takes log p_1 - log p_2, whose normalising constants give log(σ_2/σ_1), not log(σ_1/σ_2).",
                 0.5),
         Mistake("½ dropped on the log of the variances", reference + sp.log(sigma_2 / sigma_1),
                 "½ log(σ_2²/σ_1²) = log(σ_2/σ_1): the log of the variance ratio needs the factor ½.", 0.5),
         Mistake("-½ dropped", reference + sp.Rational(1, 2),
                 "E[(X-μ_1)²]/(2σ_1²) = ½ comes from p_1's own log-density and is subtracted: the KL of a "
                 "Gaussian from itself must be 0.", 0.5),
         Mistake("σ_1² for σ_2² in the denominator", kl(mu_1, sigma_1, mu_2, sigma_1) + sp.log(sigma_2 / sigma_1),
                 "The quadratic term comes from log p_2, so it is divided by p_2's variance σ_2².", 0.25),
         Mistake("KL reversed", kl(mu_2, sigma_2, mu_1, sigma_1),
                 "That is KL(N(μ_2, σ_2²) ‖ N(μ_1, σ_1²)); the KL is not symmetric and the expectation is under "
                 "the first Gaussian.", 0.25)))

