"""The course's notation as SymPy objects.

Homework convention (see ``docs`` notation table): ``β_t`` is the variance added at step t,
``β̄_t = ∏_{i=1}^t (1-β_i)`` with ``β̄_0 = 1``.  DDPM (Ho et al. 2020, eq. 4) writes
``α_t = 1-β_t`` and ``ᾱ_t = ∏ α_s``, so ``ᾱ_t = β̄_t``.  Indexed quantities are SymPy
functions of their index, so ``beta_bar(t - 1)`` and ``beta_bar(t)`` are distinct atoms that a
definition (``β̄_t = (1-β_t) β̄_{t-1}``) ties together, and ``beta_bar(0)`` evaluates to 1.
"""

from __future__ import annotations

import sympy as sp


class _Indexed(sp.Function):
    """A schedule quantity indexed by a step, printed ``β_t``, ``β̄_{t-1}`` (and LaTeX alike)."""

    nargs = 1
    plain_name = latex_name = ""

    def _eval_evalf(self, prec):
        # A schedule entry has no numeric value of its own (and mpmath's ``beta`` is another
        # function of the same name, which evalf would otherwise call).
        return None

    def _sympystr(self, printer):
        k = printer._print(self.args[0]).replace(" ", "")
        return f"{self.plain_name}_{k}" if len(k) == 1 else f"{self.plain_name}_{{{k}}}"

    def _latex(self, printer, exp=None):
        body = rf"{self.latex_name}_{{{printer._print(self.args[0])}}}"
        return body if exp is None else rf"{body}^{{{exp}}}"


class beta(_Indexed):
    """``β_k``: the variance of the noise added at forward step k."""

    plain_name, latex_name = "β", r"\beta"


class beta_bar(_Indexed):
    """``β̄_k = ∏_{i=1}^k (1-β_i)`` (DDPM's ``ᾱ_k``), with ``β̄_0 = 1``."""

    plain_name, latex_name = "β̄", r"\bar{\beta}"

    @classmethod
    def eval(cls, k):
        if k == 0:
            return sp.S.One


def beta_bar_recursion(k) -> sp.Expr:
    """``β̄_k = (1-β_k) β̄_{k-1}``: the definition of ``β̄`` one step at a time."""
    return (1 - beta(k)) * beta_bar(k - 1)


def posterior_variance(k) -> sp.Expr:
    """``σ̃_k² = β_k (1-β̄_{k-1}) / (1-β̄_k)``, the variance of ``q(x_{k-1} | x_k, x_0)``."""
    return beta(k) * (1 - beta_bar(k - 1)) / (1 - beta_bar(k))


def snr(k) -> sp.Expr:
    """``SNR(k) = β̄_k / (1-β̄_k)``, the signal-to-noise ratio of ``q(x_k | x_0)``."""
    return beta_bar(k) / (1 - beta_bar(k))


def gaussian_logpdf(x, mean, variance) -> sp.Expr:
    """``log N(x; μ, v) = -½ log(2π v) - (x-μ)²/(2v)`` (one coordinate)."""
    return -sp.log(2 * sp.pi * variance) / 2 - (x - mean) ** 2 / (2 * variance)


def sigmoid(u) -> sp.Expr:
    """``σ(u) = 1/(1+e^{-u})``: the discriminator's output layer."""
    return 1 / (1 + sp.exp(-u))


def hadamard(a: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """``a ⊙ b``: the elementwise product of two column vectors."""
    return a.multiply_elementwise(b)


def gradient(f: sp.Expr, x: sp.Matrix, evaluate: bool = True) -> sp.Matrix:
    """``∇_x f`` as a column vector (of unevaluated derivatives with ``evaluate=False``)."""
    return sp.Matrix([sp.Derivative(f, xi, evaluate=evaluate) for xi in x])


class Discrete(sp.Basic):
    """A named distribution on finitely many atoms: ``Discrete(name, (p_1, ..., p_n))``.

    Prints as its name; ``probabilities`` are SymPy expressions (symbols, or a definition such
    as ``p_n = 1 - p_1 - ... - p_{n-1}``), so the discrete KL and JSD below are finite sums.
    """

    def __new__(cls, name: str, probabilities):
        return super().__new__(cls, sp.Symbol(name), sp.Tuple(*probabilities))

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def probabilities(self) -> sp.Tuple:
        return self.args[1]

    def mixture(self, other: "Discrete", name: str = "m") -> "Discrete":
        """``m = (p + q)/2``, the midpoint distribution of the JSD."""
        return Discrete(name, [(a + b) / 2 for a, b in zip(self.probabilities, other.probabilities)])

    def _sympystr(self, printer):
        return self.name

    def _latex(self, printer):
        return sp.latex(self.args[0])


class _Divergence(sp.Function):
    """A divergence between two ``Discrete`` distributions, printed ``NAME(p‖q)``."""

    nargs = 2
    plain_name = latex_name = ""

    def _sympystr(self, printer):
        p, q = (printer._print(a) for a in self.args)
        return f"{self.plain_name}({p}‖{q})"

    def _latex(self, printer, exp=None):
        p, q = (printer._print(a) for a in self.args)
        body = rf"{self.latex_name}({p} \,\|\, {q})"
        return body if exp is None else rf"\left({body}\right)^{{{exp}}}"


class KL(_Divergence):
    """``KL(p‖q) = Σ_i p_i log(p_i/q_i)``; ``doit`` expands it."""

    plain_name, latex_name = "KL", r"D_{\mathrm{KL}}"

    def doit(self, **hints):
        p, q = self.args
        return sp.Add(*(a * sp.log(a / b) for a, b in zip(p.probabilities, q.probabilities)))


class JSD(_Divergence):
    """``JSD(p‖q) = ½ KL(p‖m) + ½ KL(q‖m)``, ``m = (p+q)/2``; ``doit`` expands it."""

    plain_name, latex_name = "JSD", r"\mathrm{JSD}"

    def doit(self, **hints):
        p, q = self.args
        m = p.mixture(q)
        return (KL(p, m).doit() + KL(q, m).doit()) / 2


def gaussian_kl_expectation(mean_1, mean_2, variance_1, variance_2) -> sp.Expr:
    """``E_{X ~ N(μ_1, v_1)}[log N(X; μ_1, v_1) - log N(X; μ_2, v_2)]``: the definition of the KL that
    ``GaussianKL``'s closed form is proved against.

    The log-ratio is a polynomial of degree 2 in ``X``, so its expectation takes only the moments
    ``E X = μ_1`` and ``E X² = μ_1² + v_1``: computed so in closed form, rather than by
    ``sympy.stats``' integral, which costs a third of a second in every build of the ELBO
    (``tests/test_gaussian_kl_expectation.py`` checks that the two agree).
    """
    X = sp.Dummy("X", real=True)
    log_ratio = sp.Poly(sp.expand(gaussian_logpdf(X, mean_1, variance_1) - gaussian_logpdf(X, mean_2, variance_2)), X)
    if log_ratio.degree() > 2:
        raise ValueError("the log-ratio of two Gaussian densities must be quadratic in x")
    moments = (1, mean_1, mean_1**2 + variance_1)
    return sp.expand(sum(c * moments[k] for (k,), c in log_ratio.terms()))


class GaussianKL(sp.Function):
    """``KL(N(μ_1, v_1) ‖ N(μ_2, v_2))`` for one coordinate: ``GaussianKL(μ_1, μ_2, v)`` when both
    variances are ``v``, ``GaussianKL(μ_1, μ_2, v_1, v_2)`` otherwise.  ``doit`` gives the closed
    form ``½[log(v_2/v_1) + (v_1 + (μ_1-μ_2)²)/v_2 - 1]``, which ``diffusion.elbo`` proves equal to
    :func:`gaussian_kl_expectation`; a derivation that uses a Gaussian KL therefore rests on that
    proved lemma rather than recomputing the expectation.
    """

    nargs = (3, 4)

    @property
    def variances(self) -> tuple:
        return (self.args[2], self.args[2]) if len(self.args) == 3 else self.args[2:]

    def doit(self, **hints):
        mean_1, mean_2 = (a.doit(**hints) for a in self.args[:2])
        variance_1, variance_2 = (v.doit(**hints) for v in self.variances)
        return (sp.log(variance_2 / variance_1) + (variance_1 + (mean_1 - mean_2) ** 2) / variance_2 - 1) / 2

    def _sympystr(self, printer):
        m1, m2 = (printer._print(a) for a in self.args[:2])
        v1, v2 = (printer._print(v) for v in self.variances)
        return f"KL(N({m1}, {v1}) ‖ N({m2}, {v2}))"

    def _latex(self, printer, exp=None):
        m1, m2 = (printer._print(a) for a in self.args[:2])
        v1, v2 = (printer._print(v) for v in self.variances)
        body = rf"D_{{\mathrm{{KL}}}}\left(\mathcal{{N}}({m1}, {v1}) \,\|\, \mathcal{{N}}({m2}, {v2})\right)"
        return body if exp is None else rf"\left({body}\right)^{{{exp}}}"


class NormalPDF(sp.Function):
    """``N(x; μ, v)``, the density of ``N(μ, v)`` at ``x`` (one coordinate), kept as one symbol so a
    mixture of them prints as a person writes it; ``doit`` gives ``exp(gaussian_logpdf(x, μ, v))``,
    which is what the engine checks (``Domain.prepare`` calls ``doit``)."""

    nargs = 3

    def doit(self, **hints):
        x, mean, variance = (a.doit(**hints) for a in self.args)
        return sp.exp(gaussian_logpdf(x, mean, variance))

    def _sympystr(self, printer):
        x, mean, variance = (printer._print(a) for a in self.args)
        return f"N({x}; {mean}, {variance})"

    def _latex(self, printer, exp=None):
        x, mean, variance = (printer._print(a) for a in self.args)
        body = rf"\mathcal{{N}}\left({x};\, {mean},\, {variance}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


class Quantity(sp.Function):
    """A quantity shown by its name, ``Quantity(plain, latex, expr)``: printed as ``plain`` (LaTeX:
    ``latex``), while ``doit`` gives ``expr``, what the engine checks (``Domain.prepare`` calls
    ``doit``).  A claim about ``E[x_0 | x_t]`` then reads as one, not as the sums defining it."""

    nargs = 3

    def __new__(cls, plain: str, latex: str, expr):
        return super().__new__(cls, sp.Symbol(plain), sp.Symbol(latex), sp.sympify(expr))

    def doit(self, **hints):
        return self.args[2].doit(**hints)

    def _sympystr(self, printer):
        return self.args[0].name

    def _latex(self, printer, exp=None):
        return self.args[1].name if exp is None else rf"\left({self.args[1].name}\right)^{{{exp}}}"
