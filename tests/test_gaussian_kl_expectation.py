"""``notation.gaussian_kl_expectation`` takes the expectation of the Gaussian log-ratio from the first
two moments; ``sympy.stats`` integrates it.  The two must agree, or the ELBO's Gaussian-KL lemma
would be proved against a wrong definition of the KL."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy import stats

from genverify.derivations.notation import gaussian_kl_expectation, gaussian_logpdf

mu_1, mu_2 = sp.symbols("μ_1 μ_2", real=True)
v_1, v_2 = sp.symbols("v_1 v_2", positive=True)


def integrated(mean_1, mean_2, variance_1, variance_2) -> sp.Expr:
    X = stats.Normal("X", mean_1, sp.sqrt(variance_1))
    return stats.E(sp.expand(gaussian_logpdf(X, mean_1, variance_1) - gaussian_logpdf(X, mean_2, variance_2)))


@pytest.mark.parametrize("args", [(mu_1, mu_2, v_1, v_2), (mu_1, mu_2, v_1, v_1), (mu_1, 0, v_1, 1),
                                  (2 * mu_1, mu_1 - mu_2, v_1 * v_2, v_2)])
def test_moments_agree_with_the_integral(args):
    assert sp.simplify(gaussian_kl_expectation(*args) - integrated(*args)) == 0


def test_a_wrong_second_moment_is_seen():
    """The comparison above notices a wrong moment: E X² = μ_1² (the variance dropped)."""
    wrong = gaussian_kl_expectation(mu_1, mu_2, v_1, v_2).subs(v_1 / (2 * v_2), 0)
    assert sp.simplify(wrong - integrated(mu_1, mu_2, v_1, v_2)) != 0


def test_the_kl_of_equal_gaussians_is_zero():
    assert sp.simplify(gaussian_kl_expectation(mu_1, mu_1, v_1, v_1)) == 0
