"""The homework solution's own answers (``shared/seed``, sections 1 and 2), graded.

The solution is a student's submission, not the truth: each case is its answer to one target,
transcribed in its own notation (β̄_t = ∏(1-β_i)).  Where it writes a whole identity the case
records the part the target asks for; the note says what was taken from where.
"""

from __future__ import annotations

from dataclasses import dataclass

from genverify.grading.symbolic import grade_answer


@dataclass(frozen=True)
class AuditCase:
    section: str
    claim: str
    target: str
    answer: str
    note: str


CASES: tuple[AuditCase, ...] = (
    AuditCase("1.1", "optimal discriminator", "gan.optimal_discriminator",
              r"\frac{p_r(x)}{p_g(x) + p_r(x)}", "equation (1)"),
    AuditCase("1.2", "generator objective at D*", "gan.generator_objective",
              r"\frac{1}{2} D_{KL}(p_r \| \frac{p_r + p_g}{2}) + \frac{1}{2} D_{KL}(p_g \| \frac{p_r + p_g}{2})",
              "the last line, which the solution writes as ⇔ the objective"),
    AuditCase("2.1", "ELBO weight (negative ELBO)", "diffusion.elbo_weight",
              r"-\frac{1}{2\sigma_q(t)^2} \frac{\beta_t \bar{\beta}_{t-1}}{(1-\bar{\beta}_t)^2}",
              "the solution writes ELBO = +Σ weight·E‖x̂_θ - x_0‖²; the negative ELBO's weight is its negation"),
    AuditCase("2.3", "forward mean coefficient", "diffusion.forward_mean_coef",
              r"\prod_{i=1}^{t} \sqrt{1-\beta_i}", "q(x_t|x_0) = N(∏√(1-β_i) x_0, ...)"),
    AuditCase("2.3", "forward variance", "diffusion.forward_variance",
              r"1-\prod_{i=1}^{t} (1-\beta_i)", "q(x_t|x_0) = N(..., 1 - ∏(1-β_i))"),
    AuditCase("2.4", "posterior mean", "diffusion.posterior_mean",
              r"\frac{(1 - \bar{\beta}_{t-1})\sqrt{1 - \beta_t}}{1 - \bar{\beta}_t} x_t"
              r" + \frac{\beta_t \sqrt{\bar{\beta}_{t-1}}}{1 - \bar{\beta}_t} x_0", "μ_q(x_t, x_0)"),
    AuditCase("2.5", "conditional score", "diffusion.conditional_score",
              r"-2((x - x_{known}) \odot M) + s_\theta(x, \delta)", "the last line"),
)


def run_audit() -> list[tuple[AuditCase, dict]]:
    return [(case, grade_answer(case.target, case.answer, answer_id=f"homework {case.section}")) for case in CASES]
