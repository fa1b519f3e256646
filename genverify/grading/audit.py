"""The homework solution's own answers (``shared/seed``, sections 1 and 2), graded.

The solution is a student's submission, not the truth: each case is its answer to one target,
transcribed in its own notation (β̄_t = ∏(1-β_i)).  Where it writes a whole identity the case
records the part the target asks for; the note says what was taken from where.  Three kinds of
case:

- a final answer, graded by ``grade`` (:func:`genverify.grading.symbolic.grade_answer`);
- a chain of intermediate lines, graded step by step by ``grade-steps``
  (:func:`genverify.grading.steps.grade_steps`), so a right result reached through wrong lines
  is not passed on its result alone;
- a prose answer (1.3, 2.2), which no grader reads: its verdict is a reading against the formal
  claim of the registry result named in ``target``, and says so (``method: "reading"``).

``assessment`` is the audit's own sentence, put before the grader's feedback where the grader's
verdict alone would say less than the truth (1.2: wrong as a value, right as an argmin).
"""

from __future__ import annotations

from dataclasses import dataclass

from genverify.grading.steps import grade_steps
from genverify.grading.symbolic import grade_answer


@dataclass(frozen=True)
class Reading:
    """The verdict on a prose answer, reached by reading it against a proved claim."""

    verdict: str
    score: float
    feedback: str


@dataclass(frozen=True)
class AuditCase:
    section: str
    claim: str
    target: str
    answer: str
    note: str
    #: Graded as a chain ``e_0 = e_1 = ...`` by grade-steps instead of as one final answer.
    steps: bool = False
    assessment: str = ""
    reading: Reading | None = None


def _mean_by_substitution(a: str, b: str) -> str:
    """The solution's ``y = (1-b)√a/(1-ab) x + (1-a)√b/(1-ab) z`` (x = x_t, z = x_0) for given a, b."""
    return (rf"\frac{{(1-{b})\sqrt{{{a}}}}}{{1-{a} {b}}} x_t"
            rf" + \frac{{(1-{a})\sqrt{{{b}}}}}{{1-{a} {b}}} x_0")


_POSTERIOR_MEAN = (r"\frac{(1 - \bar{\beta}_{t-1})\sqrt{1 - \beta_t}}{1 - \bar{\beta}_t} x_t"
                   r" + \frac{\beta_t \sqrt{\bar{\beta}_{t-1}}}{1 - \bar{\beta}_t} x_0")

CASES: tuple[AuditCase, ...] = (
    AuditCase("1.1", "optimal discriminator", "gan.optimal_discriminator",
              r"\frac{p_r(x)}{p_g(x) + p_r(x)}", "equation (1)"),
    AuditCase("1.2", "generator objective, the '=' line", "gan.generator_objective",
              r"\int (p_r \log \frac{p_r}{p_r + p_g} + p_g \log \frac{p_g}{p_r + p_g}) dx"
              r" = \int p_r \log p_r dx - \int p_r \log \frac{p_r + p_g}{2} dx - \int p_r \log 2 dx"
              r" + \int p_g \log p_g dx - \int p_g \log \frac{p_r + p_g}{2} dx - \int p_g \log 2 dx",
              "the first two lines of 1.2, graded step by step", steps=True),
    AuditCase("1.2", "generator objective at D*", "gan.generator_objective",
              r"\frac{1}{2} D_{KL}(p_r \| \frac{p_r + p_g}{2}) + \frac{1}{2} D_{KL}(p_g \| \frac{p_r + p_g}{2})",
              "the last line, which the solution writes as ⇔ the objective",
              assessment="As the solution writes it, min_G C(G) ⇔ min_G ½KL(p_r‖m) + ½KL(p_g‖m), this is a "
                         "correct equivalence of minimisation problems: C(G) = -log 4 + 2·JSD is an increasing "
                         "affine function of JSD, so both have the same minimiser p_g = p_r (right as an argmin). "
                         "As a value of C(G) it is wrong: the constant -log 4 and the factor 2 are missing "
                         "(wrong only as a value)."),
    AuditCase("1.3", "vanishing gradient, perfect D", "gan.vanishing_gradient",
              "When D is perfect, the objective function will consistently equals to 0, which causes the "
              "gradients to 0, in other words, the problem of vanishing gradients.",
              "the whole answer (prose)",
              reading=Reading("correct", 1.0,
                              "Right for the saturating loss, and informal: with D(G(z)) = 0 the term "
                              "log(1 - D(G_θ(z))) is 0 for every θ, and gan.vanishing_gradient proves its "
                              "gradient -σ(f)∂f/∂θ → 0 as the logit f → -∞.  It states no bound (Arjovsky–Bottou: "
                              "‖∇_θ‖ < Mε/(1-ε)) and misses that the non-saturating loss -log D(G(z)) keeps the "
                              "gradient, -(1-σ(f))∂f/∂θ → -∂f/∂θ.")),
    AuditCase("2.1", "ELBO weight (negative ELBO)", "diffusion.elbo_weight",
              r"-\frac{1}{2\sigma_q(t)^2} \frac{\beta_t \bar{\beta}_{t-1}}{(1-\bar{\beta}_t)^2}",
              "the solution writes ELBO = +Σ weight·E‖x̂_θ - x_0‖²; the negative ELBO's weight is its negation"),
    AuditCase("2.2", "ELBO versus the likelihood", "diffusion.likelihood_bound",
              "No. The decoder takes input x_t from noise and then generates x_{t-1} from the previous output, "
              "and the process goes on. Because don't know the true distribution of each step, we can't "
              "directly estimate the density. But We can estimate it by sampling.",
              "the whole answer (prose)",
              reading=Reading("incorrect", 0.5,
                              "The 'No' is right: log p_θ(x_0) - ELBO = KL(q(x_{1:T}|x_0) ‖ p_θ(x_{1:T}|x_0)) ≥ 0, "
                              "so the ELBO equals the log-likelihood only when q(x_{1:T}|x_0) = p_θ(x_{1:T}|x_0) "
                              "(diffusion.likelihood_bound).  The reason given is not: every step's distribution "
                              "p_θ(x_{t-1}|x_t) is known, and the density can be computed exactly through the "
                              "probability-flow ODE (numeric/likelihood.py); sampling estimates p_θ(x_0) = "
                              "E_q[p_θ(x_{0:T})/q(x_{1:T}|x_0)] without bias, but its log is biased low, and the "
                              "answer never names the bound or when it is tight.")),
    AuditCase("2.3", "forward mean coefficient", "diffusion.forward_mean_coef",
              r"\prod_{i=1}^{t} \sqrt{1-\beta_i}", "q(x_t|x_0) = N(∏√(1-β_i) x_0, ...)"),
    AuditCase("2.3", "forward variance", "diffusion.forward_variance",
              r"1-\prod_{i=1}^{t} (1-\beta_i)", "q(x_t|x_0) = N(..., 1 - ∏(1-β_i))"),
    AuditCase("2.4", "posterior mean", "diffusion.posterior_mean", _POSTERIOR_MEAN, "μ_q(x_t, x_0)"),
    AuditCase("2.4", "posterior mean, the steps", "diffusion.posterior_mean",
              _mean_by_substitution(r"\sqrt{1-\beta_t}", r"\sqrt{\bar{\beta}_{t-1}}")
              + " = " + _mean_by_substitution(r"(1-\beta_t)", r"\bar{\beta}_{t-1}") + " = " + _POSTERIOR_MEAN,
              "y = (1-b)√a/(1-ab)·x + (1-a)√b/(1-ab)·z with the solution's substitution a = √(1-β_t), "
              "b = √β̄_{t-1}; then with a = 1-β_t, b = β̄_{t-1}; then its μ_q", steps=True,
              assessment="The result is right, the intermediate lines are not.  The exponent of the Gaussian "
                         "product drops every square ((x_t - √(1-β_t)x_{t-1})/(2β_t) for -(x_t - "
                         "√(1-β_t)x_{t-1})²/(2β_t), and likewise the other two) and reverses the signs (the two "
                         "numerator Gaussians enter with -, the denominator's with +); √(bz) and √(ay) put x_0 "
                         "and x_{t-1} under the root.  With the substitution as written, a = √(1-β_t) and "
                         "b = √β̄_{t-1}, y is not the posterior mean (step 1 below); y is μ_q only for "
                         "a = 1-β_t, b = β̄_{t-1} (step 2 is valid), which is what the last line uses."),
    AuditCase("2.5", "conditional score", "diffusion.conditional_score",
              r"-2((x - x_{known}) \odot M) + s_\theta(x, \delta)", "the last line"),
)


def _grade(case: AuditCase) -> dict:
    answer_id = f"homework {case.section}"
    if case.reading is not None:
        return {"id": answer_id, "target": case.target, "verdict": case.reading.verdict,
                "score": case.reading.score, "feedback": case.reading.feedback, "diagnosis": [],
                "counterexample": None, "method": "reading", "seconds": 0.0}
    if case.steps:
        return grade_steps(case.target, case.answer, answer_id=answer_id)
    return grade_answer(case.target, case.answer, answer_id=answer_id)


def run_audit() -> list[tuple[AuditCase, dict]]:
    rows = []
    for case in CASES:
        result = _grade(case)
        if case.assessment:
            result = {**result, "feedback": f"{case.assessment}  Grader: {result['feedback']}"}
        rows.append((case, result))
    return rows
