"""The notation page: the homework's β_t, β̄_t, σ̃_t² beside Ho et al.'s β_t, α_t, ᾱ_t, DDIM's α_t
and the code of improved-diffusion and diffusers (``alphas_cumprod[t-1]``, 0-based timesteps),
with the ``genverify.numeric.conventions`` call that rebuilds each library's convention.

One set of tables feeds both renderings: :func:`notation_page` (the site's page body, formulas as
MathML carrying their TeX) and :func:`conventions_markdown` (``docs/conventions.md``, formulas as
``$TeX$``).  The example timesteps are computed by the constructors when the page is built.

Sources: Ho, Jain & Abbeel 2020 (eqs. 4, 6, 7, §3.2, §4); Song, Meng & Ermon 2021 (eqs. 1, 12,
16); Nichol & Dhariwal 2021 (eq. 17); openai/improved-diffusion @ 1bc7bbb; diffusers 0.42.1;
ermongroup/ddim @ e8df66c (see ``genverify.numeric.conventions``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from markupsafe import Markup, escape

from genverify.numeric import conventions as cv
from genverify.pages import math

TITLE = "Notation and conventions"


@dataclass(frozen=True)
class Tex:
    """A formula: its TeX, and the plain text shown if the TeX cannot be converted."""

    tex: str
    plain: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Text:
    text: str


Cell = Tex | Code | Text | tuple  # a tuple is several cells shown one after another


@dataclass(frozen=True)
class Table:
    id: str
    heading: str
    intro: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Formula:
    name: str
    homework: Tex
    literature: Tex
    note: str


_DASH = Text("—")

SYMBOLS = Table(
    "symbols", "Symbols",
    "The homework's β̄_t is the signal product, which Ho et al. call ᾱ_t and DDIM calls α_t: "
    "DDIM's α_t is not Ho's α_t = 1 − β_t.  Code indexes by k = t − 1.",
    ("quantity", "homework, genverify", "Ho et al. 2020", "DDIM (Song et al. 2021)",
     "improved-diffusion, diffusers", "genverify code"),
    (
        (Text("noise variance added at step t"), Tex(r"\beta_t", "β_t"), Tex(r"\beta_t", "β_t"),
         Tex(r"1 - \alpha_t / \alpha_{t-1}", "1 − α_t/α_{t−1}"), Code("betas[t-1]"), Code("s.betas[t-1]")),
        (Text("one minus it"), Tex(r"1 - \beta_t", "1 − β_t"), Tex(r"\alpha_t", "α_t"),
         Tex(r"\alpha_t / \alpha_{t-1}", "α_t/α_{t−1}"), Code("alphas[t-1]"), Code("s.alphas[t-1]")),
        (Text("signal product (the squared coefficient of x₀ in q(xₜ | x₀))"),
         Tex(r"\bar\beta_t = \prod_{i=1}^{t} (1 - \beta_i)", "β̄_t = ∏_{i=1}^t (1 − β_i)"),
         Tex(r"\bar\alpha_t = \prod_{s=1}^{t} \alpha_s", "ᾱ_t = ∏_{s=1}^t α_s"), Tex(r"\alpha_t", "α_t"),
         Code("alphas_cumprod[t-1]"), Code("s.alpha_bars[t-1]")),
        (Text("its value before the first step"), Tex(r"\bar\beta_0 = 1", "β̄_0 = 1"),
         Tex(r"\bar\alpha_0 = 1", "ᾱ_0 = 1"), Tex(r"\alpha_0 = 1", "α_0 = 1"),
         (Code("alphas_cumprod_prev[0] = 1"), Text(" (improved-diffusion); "), Code("final_alpha_cumprod"),
          Text(" = 1 when "), Code("set_alpha_to_one=True"), Text(" (diffusers' DDIM)")),
         Code("s.alpha_bars_prev[0]")),
        (Text("variance of q(xₜ | x₀)"), Tex(r"1 - \bar\beta_t = \bar\epsilon_t", "1 − β̄_t = ε̄_t"), Tex(r"1 - \bar\alpha_t", "1 − ᾱ_t"),
         Tex(r"1 - \alpha_t", "1 − α_t"), Code("1 - alphas_cumprod[t-1]"), Code("s.one_minus_alpha_bars[t-1]")),
        (Text("posterior variance of q(xₜ₋₁ | xₜ, x₀)"),
         (Tex(r"\tilde\sigma_t^2 = \frac{\beta_t (1 - \bar\beta_{t-1})}{1 - \bar\beta_t}",
              "σ̃_t² = β_t(1 − β̄_{t−1})/(1 − β̄_t)"),
          Text("; the homework's ELBO writes "), Tex(r"\sigma_q(t)^2", "σ_q(t)²")),
         Tex(r"\tilde\beta_t", "β̃_t"), Tex(r"\sigma_t^2(\eta = 1)", "σ_t²(η = 1)"),
         Code("posterior_variance[t-1]"), Code("s.posterior_variance[t-1]")),
        (Text("signal-to-noise ratio"), Tex(r"\mathrm{SNR}(t) = \frac{\bar\beta_t}{1 - \bar\beta_t}", "β̄_t/(1 − β̄_t)"),
         Tex(r"\frac{\bar\alpha_t}{1 - \bar\alpha_t}", "ᾱ_t/(1 − ᾱ_t)"), Tex(r"\frac{\alpha_t}{1 - \alpha_t}", "α_t/(1 − α_t)"),
         Code("alphas_cumprod / (1 - alphas_cumprod)"), Code("s.snr[t-1]")),
        (Text("time"), Tex(r"t \in \{1, \ldots, T\}", "t ∈ {1..T}"), Tex(r"t \in \{1, \ldots, T\}", "t ∈ {1..T}"),
         Tex(r"\tau_1 < \cdots < \tau_S \subseteq \{1, \ldots, T\}", "τ_1 < … < τ_S in {1..T}"),
         (Text("timestep "), Tex(r"k = t - 1 \in \{0, \ldots, T-1\}", "k = t − 1 ∈ {0..T−1}")),
         (Code("cv.index_of(t, T)"), Text(", "), Code("cv.t_of_index(k, T)"))),
    ),
)

FORMULAS = (
    Formula("forward marginal",
            Tex(r"q(x_t \mid x_0) = \mathcal{N}\left(\sqrt{\bar\beta_t}\, x_0,\ (1 - \bar\beta_t) I\right)",
                "q(x_t | x_0) = N(√β̄_t x_0, (1 − β̄_t) I)"),
            Tex(r"q(x_t \mid x_0) = \mathcal{N}\left(\sqrt{\bar\alpha_t}\, x_0,\ (1 - \bar\alpha_t) I\right)",
                "q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)"),
            "Ho et al. eq. 4; DDIM writes α_t for ᾱ_t (its eq. 4)."),
    Formula("posterior mean",
            Tex(r"\tilde\mu_t = \frac{\sqrt{\bar\beta_{t-1}}\, \beta_t}{1 - \bar\beta_t} x_0"
                r" + \frac{\sqrt{1 - \beta_t}\, (1 - \bar\beta_{t-1})}{1 - \bar\beta_t} x_t",
                "μ̃_t = √β̄_{t−1} β_t/(1 − β̄_t) x_0 + √(1 − β_t)(1 − β̄_{t−1})/(1 − β̄_t) x_t"),
            Tex(r"\tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\, \beta_t}{1 - \bar\alpha_t} x_0"
                r" + \frac{\sqrt{\alpha_t}\, (1 - \bar\alpha_{t-1})}{1 - \bar\alpha_t} x_t",
                "μ̃_t = √ᾱ_{t−1} β_t/(1 − ᾱ_t) x_0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) x_t"),
            "Ho et al. eq. 7; improved-diffusion's posterior_mean_coef1, posterior_mean_coef2."),
    Formula("posterior variance",
            Tex(r"\tilde\sigma_t^2 = \frac{\beta_t (1 - \bar\beta_{t-1})}{1 - \bar\beta_t}",
                "σ̃_t² = β_t(1 − β̄_{t−1})/(1 − β̄_t)"),
            Tex(r"\tilde\beta_t = \frac{1 - \bar\alpha_{t-1}}{1 - \bar\alpha_t} \beta_t",
                "β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) β_t"),
            "Ho et al. eq. 7.  Ho's tilde β is this variance, not the homework's bar β."),
    Formula("DDIM step from τᵢ to τᵢ₋₁",
            Tex(r"x_{\tau_{i-1}} = \sqrt{\bar\beta_{\tau_{i-1}}}\, \hat x_0"
                r" + \sqrt{1 - \bar\beta_{\tau_{i-1}} - \sigma_{\tau_i}^2}\, \hat\varepsilon + \sigma_{\tau_i} z",
                "x_{τ_{i−1}} = √β̄_{τ_{i−1}} x̂_0 + √(1 − β̄_{τ_{i−1}} − σ²) ε̂ + σ z"),
            Tex(r"x_{\tau_{i-1}} = \sqrt{\bar\alpha_{\tau_{i-1}}}\, \hat x_0"
                r" + \sqrt{1 - \bar\alpha_{\tau_{i-1}} - \sigma_{\tau_i}^2}\, \hat\varepsilon + \sigma_{\tau_i} z",
                "x_{τ_{i−1}} = √ᾱ_{τ_{i−1}} x̂_0 + √(1 − ᾱ_{τ_{i−1}} − σ²) ε̂ + σ z"),
            "DDIM eq. 12, where the paper writes α_τ for ᾱ_τ; τ_0 = 0 reads β̄_0 = 1."),
    Formula("DDIM noise",
            Tex(r"\sigma_{\tau_i}(\eta)^2 = \eta^2 \frac{1 - \bar\beta_{\tau_{i-1}}}{1 - \bar\beta_{\tau_i}}"
                r" \left(1 - \frac{\bar\beta_{\tau_i}}{\bar\beta_{\tau_{i-1}}}\right)",
                "σ(η)² = η² (1 − β̄_{τ_{i−1}})/(1 − β̄_{τ_i}) (1 − β̄_{τ_i}/β̄_{τ_{i−1}})"),
            Tex(r"\sigma_{\tau_i}(\eta)^2 = \eta^2 \frac{1 - \bar\alpha_{\tau_{i-1}}}{1 - \bar\alpha_{\tau_i}}"
                r" \left(1 - \frac{\bar\alpha_{\tau_i}}{\bar\alpha_{\tau_{i-1}}}\right)",
                "σ(η)² = η² (1 − ᾱ_{τ_{i−1}})/(1 − ᾱ_{τ_i}) (1 − ᾱ_{τ_i}/ᾱ_{τ_{i−1}})"),
            "DDIM eq. 16 (α_τ there is ᾱ_τ): η = 1 with every step kept gives σ̃_t², the DDPM posterior variance."),
)

VARIANCES = Table(
    "variances", "Reverse-step variances",
    "What each codebase means by fixed_small and fixed_large, at t = 1 and after.  Ho et al.'s, improved-diffusion's "
    "and diffusers' samplers add no noise on the last step (t = 1), so the t = 1 value matters only in the "
    "decoder term L_0 of the ELBO.",
    ("name", "at t = 1", "at t ≥ 2", "used by", "genverify call"),
    (
        (Text("fixed_small"), Tex(r"\tilde\sigma_1^2 = 0", "σ̃_1² = 0"), Tex(r"\tilde\sigma_t^2", "σ̃_t²"),
         Text("Ho's fixedsmall; improved-diffusion FIXED_SMALL (its clipped log-variance reads log σ̃_2² at t = 1); "
              "diffusers fixed_small (clamped to ≥ 1e-20)"),
         Code('cv.model_variance(s, "fixed_small")')),
        (Text("fixed_large"), Tex(r"\beta_1", "β_1"), Tex(r"\beta_t", "β_t"),
         Text("diffusers fixed_large; the variance array of Ho's fixedlarge"), Code('cv.model_variance(s, "fixed_large")')),
        (Text("improved-diffusion FIXED_LARGE"), Tex(r"\tilde\sigma_2^2", "σ̃_2²"), Tex(r"\beta_t", "β_t"),
         Text("improved-diffusion FIXED_LARGE; the log-variance of Ho's fixedlarge, which its sampler and its "
              "KL terms read. Needs T ≥ 2."),
         Code('cv.model_variance(s, "improved_diffusion_fixed_large")')),
    ),
)

SCHEDULES = Table(
    "schedules", "Schedules and their constructors",
    "Each constructor returns genverify's Schedule (β_1..β_T, float64) from plain arrays, no torch. "
    "Checked against the libraries' own output (tests/test_conventions.py): improved-diffusion bitwise, "
    "diffusers' code run in float64 to 1e-12 relative; diffusers as shipped stores float32.",
    ("schedule", "β_t", "genverify call"),
    (
        (Text("Ho et al. 2020 linear; diffusers \"linear\" with its defaults"),
         Tex(r"\beta_t = 10^{-4} + \frac{t-1}{T-1} (0.02 - 10^{-4})", "β_t = 1e-4 + (t−1)/(T−1)·(0.02 − 1e-4)"),
         Code("cv.ho_linear_schedule(T)")),
        (Text("improved-diffusion \"linear\" (endpoints scaled by 1000/T; needs T > 20)"),
         Tex(r"\beta_t = \frac{1000}{T} \left(10^{-4} + \frac{t-1}{T-1} (0.02 - 10^{-4})\right)",
             "β_t = (1000/T)(1e-4 + (t−1)/(T−1)·(0.02 − 1e-4))"),
         Code('cv.improved_diffusion_schedule("linear", T)')),
        (Text("improved-diffusion \"cosine\" = diffusers \"squaredcos_cap_v2\" (Nichol & Dhariwal eq. 17)"),
         Tex(r"\beta_t = \min\left(1 - \frac{f(t/T)}{f((t-1)/T)},\ 0.999\right), \quad"
             r" f(u) = \cos^2\left(\frac{u + 0.008}{1.008} \cdot \frac{\pi}{2}\right)",
             "β_t = min(1 − f(t/T)/f((t−1)/T), 0.999), f(u) = cos²((u + 0.008)/1.008 · π/2)"),
         (Code('cv.improved_diffusion_schedule("cosine", T)'), Text(" or "),
          Code('cv.diffusers_schedule("squaredcos_cap_v2", T)'))),
        (Text("diffusers \"linear\""), Tex(r"\beta_t = a + \frac{t-1}{T-1} (b - a)", "β_t = a + (t−1)/(T−1)·(b − a)"),
         Code('cv.diffusers_schedule("linear", T, a, b)')),
        (Text("diffusers \"scaled_linear\" (latent diffusion: a = 0.00085, b = 0.012)"),
         Tex(r"\sqrt{\beta_t} = \sqrt{a} + \frac{t-1}{T-1} \left(\sqrt{b} - \sqrt{a}\right)",
             "√β_t = √a + (t−1)/(T−1)·(√b − √a)"),
         Code('cv.diffusers_schedule("scaled_linear", T, a, b)')),
        (Text("diffusers \"sigmoid\""),
         Tex(r"\beta_t = a + \frac{b - a}{1 + e^{-u_t}}, \quad u_t = -6 + 12 \frac{t-1}{T-1}",
             "β_t = a + (b − a)/(1 + exp(−u_t)), u_t = −6 + 12(t−1)/(T−1)"),
         Code('cv.diffusers_schedule("sigmoid", T, a, b)')),
        (Text("a library's alphas_cumprod array"),
         Tex(r"\beta_t = 1 - \frac{\bar\beta_t}{\bar\beta_{t-1}}", "β_t = 1 − β̄_t/β̄_{t−1}"),
         Code("cv.schedule_from_alphas_cumprod(a)")),
        (Text("the steps τ₁ < … < τ_S of a sampler that skips (improved-diffusion SpacedDiffusion, "
              "diffusers DDPM after set_timesteps)"),
         Tex(r"\beta'_i = 1 - \frac{\bar\beta_{\tau_i}}{\bar\beta_{\tau_{i-1}}}, \quad \bar\beta_{\tau_0} = 1",
             "β'_i = 1 − β̄_{τ_i}/β̄_{τ_{i−1}}, β̄_{τ_0} = 1"),
         Code("cv.respaced_schedule(s, taus)")),
    ),
)

#: The setting the timestep table shows examples for.
EXAMPLE_T, EXAMPLE_N = 1000, 50


def _example(steps) -> Text:
    steps = [int(t) for t in steps]
    shown = steps if len(steps) <= 6 else steps[:3] + ["…"] + steps[-2:]
    return Text(", ".join(str(t) for t in shown) + f"  ({len(steps)} steps)")


def _timesteps_table() -> Table:
    T, n = EXAMPLE_T, EXAMPLE_N
    r = f"⌊T/n⌋ = {T // n}"
    rows = (
        ("diffusers \"leading\" (the default)",
         Tex(r"k_j = j \lfloor T/n \rfloor + \mathrm{offset}", f"k_j = j·⌊T/n⌋ + offset, j = 0..n−1 ({r})"),
         cv.diffusers_timesteps(T, n, "leading"), 'cv.diffusers_timesteps(T, n, "leading", steps_offset)'),
        ("diffusers \"trailing\"", Tex(r"k_j = \mathrm{round}(T - jT/n) - 1", "k_j = round(T − jT/n) − 1, j = 0..n−1"),
         cv.diffusers_timesteps(T, n, "trailing"), 'cv.diffusers_timesteps(T, n, "trailing")'),
        ("diffusers \"linspace\"", Tex(r"k_j = \mathrm{round}\left(j \frac{T-1}{n-1}\right)", "k_j = round(j(T−1)/(n−1))"),
         cv.diffusers_timesteps(T, n, "linspace"),
         'cv.diffusers_timesteps(T, n, "linspace")'),
        ("improved-diffusion \"ddimN\"",
         Tex(r"k_j = j s, \quad \lvert\{0, s, 2s, \ldots\} \cap [0, T)\rvert = N",
             "k_j = j·s, with exactly N multiples of s below T"), cv.improved_diffusion_timesteps(T, f"ddim{n}"),
         'cv.improved_diffusion_timesteps(T, "ddimN")'),
        ("improved-diffusion section counts \"a,b,…\"",
         Text("T split into equal sections, section i strided evenly into its count, first and last step kept"),
         cv.improved_diffusion_timesteps(T, "10,15,25"),
         'cv.improved_diffusion_timesteps(T, "10,15,25")'),
        ("DDIM repository \"uniform\" (more than n steps when n does not divide T)",
         Tex(r"k_j = j \lfloor T/n \rfloor < T", "k_j = j·⌊T/n⌋ < T"), cv.ddim_repo_timesteps(T, n),
         "cv.ddim_repo_timesteps(T, n)"),
        ("DDIM repository \"quad\" (repeats a step where they are dense)",
         Tex(r"k_j = \left\lfloor u_j^2 \right\rfloor, \quad u_j = j \frac{\sqrt{0.8 T}}{n-1}", "k_j = ⌊u_j²⌋, u_j = j√(0.8T)/(n−1)"),
         cv.ddim_repo_timesteps(T, n, "quad"), 'cv.ddim_repo_timesteps(T, n, "quad")'),
    )
    return Table(
        "timesteps", "Timesteps of samplers that skip steps",
        f"The libraries list 0-based timesteps k; time is t = k + 1.  Every call returns times t ascending, "
        f"ready for ddim_sample(..., timesteps=...).  Examples for T = {T}, n = {n}, as t.  diffusers' "
        f"DDIMScheduler.step goes from k to k − ⌊T/n⌋, not to the next listed timestep: with \"trailing\" "
        f"and n not dividing T the two differ (T = 1000, n = 30: 966 steps to 933, while 932 is listed; "
        f"cv.diffusers_ddim_previous(t, T, n) gives the time it goes to).  "
        f"diffusers' \"trailing\" also lists n + 1 timesteps, the last −1, for some settings (T = 1000 with "
        f"n = 61 or 103; T = 17 with n = 7), and its step would read alphas_cumprod[-1] = β̄_T there: "
        f"the call refuses those settings.",
        ("setting", "0-based timesteps", f"t for T = {T}, n = {n}", "genverify call"),
        tuple((Text(name), rule, _example(steps), Code(call)) for name, rule, steps, call in rows),
    )


# --- rendering -------------------------------------------------------------------------------


def _html_cell(cell: Cell) -> Markup:
    if isinstance(cell, tuple):
        return Markup("").join(_html_cell(c) for c in cell)
    if isinstance(cell, Tex):
        return math(cell.tex, cell.plain)
    if isinstance(cell, Code):
        return Markup("<code>{}</code>").format(cell.text)
    return escape(cell.text)


def _html_table(table: Table) -> Markup:
    head = Markup("").join(Markup("<th>{}</th>").format(c) for c in table.columns)
    body = Markup("\n").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(_html_cell(c)) for c in row))
        for row in table.rows)
    return Markup('<section id="{}">\n<h2>{}</h2>\n<p>{}</p>\n<table class="notation">\n<thead><tr>{}</tr></thead>\n'
                  '<tbody>\n{}\n</tbody>\n</table>\n</section>').format(table.id, table.heading, table.intro, head, body)


def _html_formulas() -> Markup:
    items = Markup("\n").join(
        Markup('<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>').format(
            f.name, math(f.homework.tex, f.homework.plain, display=True),
            math(f.literature.tex, f.literature.plain, display=True), f.note)
        for f in FORMULAS)
    return Markup('<section id="formulas">\n<h2>Formulas in both notations</h2>\n<p>{}</p>\n<table class="notation">\n'
                  '<thead><tr><th>formula</th><th>homework</th><th>Ho et al. (α, ᾱ)</th><th>source</th></tr></thead>\n'
                  '<tbody>\n{}\n</tbody>\n</table>\n</section>').format(_FORMULAS_INTRO, items)


_FORMULAS_INTRO = ("Each formula in the homework's β, β̄ and in Ho et al.'s α, ᾱ; the TeX button copies it.  "
                   "The grader accepts both, and reads α_t as Ho's 1 − β_t: a formula copied from the DDIM paper "
                   "needs its α_t written as ᾱ_t first.")

_INTRO = ("The homework writes β̄_t where Ho et al. write ᾱ_t, DDIM writes α_t and the code of improved-diffusion "
          "and diffusers reads alphas_cumprod[t-1].  The tables below map one onto the others, and name the "
          "genverify.numeric.conventions call (imported as cv) that rebuilds each library's schedule, variance "
          "or timesteps from plain arrays.")


def _tables() -> tuple[Table, ...]:
    return SYMBOLS, VARIANCES, SCHEDULES, _timesteps_table()


def notation_page() -> tuple[str, str]:
    """The site's notation page as ``(title, body HTML)``; the caller shows the title as the heading.

    The body starts with a contents list of its sections; every formula is MathML carrying its
    TeX, and each displayed formula has a button that copies it."""
    tables = _tables()
    sections = [(tables[0].id, tables[0].heading), ("formulas", "Formulas in both notations")] + \
        [(t.id, t.heading) for t in tables[1:]]
    contents = Markup("\n").join(Markup('<li><a href="#{}">{}</a></li>').format(i, h) for i, h in sections)
    parts = [Markup("<p>{}</p>").format(_INTRO), Markup('<nav class="contents"><ul>\n{}\n</ul></nav>').format(contents),
             _html_table(tables[0]), _html_formulas(), *(_html_table(t) for t in tables[1:])]
    return TITLE, str(Markup("\n").join(parts))


# --- Markdown (docs/conventions.md) --------------------------------------------------------------


def _md_cell(cell: Cell) -> str:
    # A bare | would end the table cell, in code spans too.
    if isinstance(cell, tuple):
        return "".join(_md_cell(c) for c in cell)
    if isinstance(cell, Tex):
        return f"${cell.tex}$".replace("|", r"\|")
    if isinstance(cell, Code):
        return f"`{cell.text}`".replace("|", r"\|")
    return cell.text.replace("|", r"\|")


def _md_table(table: Table) -> list[str]:
    lines = [f"## {table.heading}", "", table.intro, "",
             "| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    return lines + [""]


def conventions_markdown() -> str:
    """``docs/conventions.md``: the same tables, formulas as ``$TeX$``."""
    tables = _tables()
    lines = [f"# {TITLE}", "", "<!-- Generated by `python -m genverify.notation_page --markdown > docs/conventions.md`"
             " from genverify/notation_page.py; tests/test_conventions.py fails when this file differs. -->", "",
             _INTRO, ""]
    lines += _md_table(tables[0])
    lines += ["## Formulas in both notations", "", _FORMULAS_INTRO, ""]
    for f in FORMULAS:
        lines += [f"**{f.name}** ({f.note})", "", f"$$ {f.homework.tex} $$", "", f"$$ {f.literature.tex} $$", ""]
    for table in tables[1:]:
        lines += _md_table(table)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m genverify.notation_page", description="Print the notation page.")
    parser.add_argument("--markdown", action="store_true", help="docs/conventions.md instead of the HTML body")
    args = parser.parse_args(argv)
    print(conventions_markdown() if args.markdown else notation_page()[1], end="" if args.markdown else "\n")


if __name__ == "__main__":
    main()
