"""The Dirac-GAN code contract (``gan.dirac_eigenvalues``): its reference against the Jacobian's
eigenvalues computed independently, and every catalogued mistake named when a submission makes it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from genverify.grading.code import CODE_TARGETS, Limits, grade_code
from genverify.grading.contracts.dirac import DIRAC_EIGENVALUES
from genverify.numeric import dirac_gan

SUBMISSIONS = Path(__file__).parent / "submissions" / "dirac"


@pytest.mark.parametrize("gamma", [0.0, 0.3, 1.0, 1.7, 5.0])
def test_the_reference_is_numeric_dirac_gan_at_the_standard_slope(gamma):
    real, imag = DIRAC_EIGENVALUES.reference({"gamma": gamma, "f_prime": 0.5})
    np.testing.assert_allclose(real + 1j * imag, dirac_gan.equilibrium_eigenvalues(gamma), rtol=1e-12, atol=1e-15)


def test_the_reference_is_the_jacobians_spectrum_in_the_stated_order():
    rng = np.random.default_rng(7)
    for _ in range(200):
        gamma, f_prime = rng.uniform(0, 6), rng.uniform(0.05, 3)
        real, imag = DIRAC_EIGENVALUES.reference({"gamma": gamma, "f_prime": f_prime})
        spectrum = np.linalg.eigvals(np.array([[0.0, -f_prime], [f_prime, -gamma]]))
        # λ_+ first: the larger imaginary part, or for two reals the larger one.
        spectrum = spectrum[np.lexsort((-spectrum.real, -spectrum.imag))]
        np.testing.assert_allclose(real + 1j * imag, spectrum, rtol=1e-9, atol=1e-12)


def test_every_regime_draws_what_its_name_says():
    rng = np.random.default_rng(0)
    regimes = {r.name: r for r in DIRAC_EIGENVALUES.regimes}
    for _ in range(50):
        case = regimes["no regularisation (γ = 0)"].draw(rng)
        assert case["gamma"] == 0.0 and case["f_prime"] > 0
        spiral = regimes["spiral (0 < γ < 2f'(0))"].draw(rng)
        assert 0 < spiral["gamma"] < 2 * spiral["f_prime"]
        over = regimes["overdamped (γ > 2f'(0))"].draw(rng)
        assert over["gamma"] > 2 * over["f_prime"]
        critical = regimes["critical damping (γ = 2f'(0))"].draw(rng)
        assert critical["gamma"] ** 2 / 4 - critical["f_prime"] ** 2 == 0.0


def test_the_correct_submission_and_the_example_are_graded_correct(tmp_path):
    example = tmp_path / "example.py"
    example.write_text(DIRAC_EIGENVALUES.example, encoding="utf-8")
    for path in (SUBMISSIONS / "correct.py", example):
        report = grade_code("gan.dirac_eigenvalues", str(path))
        assert (report["verdict"], report["score"]) == ("correct", 1.0), report


MISTAKEN = {
    "no_r1.py": "the R1 term dropped",
    "gamma_not_halved.py": "γ for γ/2",
    "unsquared.py": "f'(0) for f'(0)² under the root",
    "damping_sign.py": "the sign of the damping",
    "minus_first.py": "λ_- first",
}


def test_every_catalogued_mistake_has_a_submission():
    assert set(MISTAKEN.values()) == {m.name for m in DIRAC_EIGENVALUES.mistakes}


@pytest.mark.parametrize(("name", "mistake"), MISTAKEN.items())
def test_a_mistaken_submission_is_incorrect_and_its_mistake_named(name, mistake):
    report = grade_code("gan.dirac_eigenvalues", str(SUBMISSIONS / name))
    assert report["verdict"] == "incorrect" and report["score"] < 1.0, report
    assert report["diagnosis"][0] == f"mistake: {mistake}", report["diagnosis"]
    explanation = next(m.explanation for m in CODE_TARGETS["gan.dirac_eigenvalues"].mistakes if m.name == mistake)
    assert report["feedback"].startswith(explanation)


@pytest.mark.skipif("GENVERIFY_COURSE_PYTHON" not in os.environ,
                    reason="GENVERIFY_COURSE_PYTHON is unset (.ci/run sets it)")
def test_a_torch_submission_computing_the_spectrum_is_correct():
    report = grade_code("gan.dirac_eigenvalues", str(SUBMISSIONS / "torch_correct.py"),
                        python=os.environ["GENVERIFY_COURSE_PYTHON"], limits=Limits(seconds=60.0))
    assert (report["verdict"], report["score"]) == ("correct", 1.0), report
