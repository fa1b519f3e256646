"""The answer parser: every notation of ``design.md`` reads as the intended SymPy object, bad
input is a one-line ``ParseError``, and no input (random text, LaTeX token soup, deep nesting)
raises anything else or takes more than a second.
"""

import string

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.derivations.notation import beta, beta_bar, posterior_variance, snr
from genverify.grading.functionals import P_G, P_R, Expectation, IntegralDx, JSDivergence, \
    KLDivergence
from genverify.grading.parse import MAX_LENGTH, ParseError, known_names, parse, symbol_names

t = sp.Symbol("t", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
s = sp.Symbol("s", integer=True, positive=True)
x, x_t, x_0, x_known, M = (sp.Symbol(n, real=True) for n in ("x", "x_t", "x_0", "x_known", "M"))
x_hat = sp.Symbol("x̂_θ(x_t)", real=True)
s_theta = sp.Symbol("s_θ(x)", real=True)
D = sp.Symbol("D", positive=True)
alpha = lambda k: 1 - beta(k)  # noqa: E731  (DDPM's α_k, as the parser reads it)

# The targets of design.md ("Grading targets"), each in several notations.
POSTERIOR_MEAN = (sp.sqrt(beta_bar(t - 1)) * beta(t) / (1 - beta_bar(t)) * x_0
                  + sp.sqrt(1 - beta(t)) * (1 - beta_bar(t - 1)) / (1 - beta_bar(t)) * x_t)
PROD_T = sp.Product(1 - beta(i), (i, 1, t))
PROD_T1 = sp.Product(1 - beta(i), (i, 1, t - 1))
ELBO_WEIGHT = beta_bar(t - 1) * beta(t) ** 2 / (2 * posterior_variance(t) * (1 - beta_bar(t)) ** 2)
D_STAR = P_R / (P_R + P_G)
C_G = -sp.log(4) + 2 * JSDivergence(P_R, P_G)
SCORE = s_theta - 2 * (x - x_known) * M ** 2

ANSWERS = [
    # diffusion.forward_mean_coef / forward_variance
    (r"\sqrt{\bar\alpha_t}", sp.sqrt(beta_bar(t))),
    (r"\sqrt{\bar{\beta}_t}", sp.sqrt(beta_bar(t))),
    (r"\sqrt{\prod_{i=1}^{t}(1-\beta_i)}", sp.sqrt(PROD_T)),
    (r"\sqrt{\prod_{s=1}^{t}\alpha_s}", sp.sqrt(sp.Product(1 - beta(s), (s, 1, t)))),
    ("sqrt(prod_{i=1}^{t}(1-beta_i))", sp.sqrt(PROD_T)),
    ("sqrt(alphabar_t)", sp.sqrt(beta_bar(t))),
    (r"1-\bar\alpha_t", 1 - beta_bar(t)),
    (r"1 - \prod_{i=1}^{t} \alpha_i", 1 - PROD_T),
    ("1-betabar_t", 1 - beta_bar(t)),
    # diffusion.posterior_mean
    (r"\frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0 + "
     r"\frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t", POSTERIOR_MEAN),
    (r"\frac{\sqrt{\bar\beta_{t-1}}\,\beta_t}{1-\bar\beta_t}\,x_0 + "
     r"\frac{\sqrt{1-\beta_t}\,(1-\bar\beta_{t-1})}{1-\bar\beta_t}\,x_t", POSTERIOR_MEAN),
    (r"\dfrac{\sqrt{\prod_{i=1}^{t-1}(1-\beta_i)}\beta_t x_0 + \sqrt{1-\beta_t}"
     r"\left(1-\prod_{i=1}^{t-1}(1-\beta_i)\right)x_t}{1-\prod_{i=1}^{t}(1-\beta_i)}",
     (sp.sqrt(PROD_T1) * beta(t) * x_0 + sp.sqrt(1 - beta(t)) * (1 - PROD_T1) * x_t)
     / (1 - PROD_T)),
    ("(sqrt(betabar_{t-1})*beta_t*x_0 + sqrt(1-beta_t)*(1-betabar_{t-1})*x_t)/(1-betabar_t)",
     POSTERIOR_MEAN),
    (r"\frac{\sqrt{\overline{\alpha}_{t-1}}\beta_t x_0+\sqrt{\alpha_t}(1-\overline{\alpha}_{t-1})"
     r"x_t}{1-\overline{\alpha}_t}", POSTERIOR_MEAN),
    # diffusion.posterior_variance
    (r"\frac{(1-\bar\alpha_{t-1})\beta_t}{1-\bar\alpha_t}", posterior_variance(t)),
    ("beta_t*(1-betabar_{t-1})/(1-betabar_t)", posterior_variance(t)),
    (r"\tilde\beta_t", posterior_variance(t)),
    (r"\sigma_q(t)^2", posterior_variance(t)),
    (r"\sigma_q^2(t)", posterior_variance(t)),
    (r"\beta_t \cdot \frac{1-\prod_{s=1}^{t-1}\alpha_s}{1-\prod_{s=1}^{t}\alpha_s}",
     beta(t) * (1 - sp.Product(1 - beta(s), (s, 1, t - 1))) / (1 - sp.Product(1 - beta(s), (s, 1, t)))),
    # diffusion.elbo_weight
    (r"\frac{\bar\alpha_{t-1}\beta_t^2}{2\sigma_q(t)^2(1-\bar\alpha_t)^2}", ELBO_WEIGHT),
    (r"\frac{\bar\alpha_{t-1}\beta_t^{2}}{2\sigma_q^2(t)\,(1-\bar\alpha_t)^2}", ELBO_WEIGHT),
    ("betabar_{t-1}*beta_t**2/(2*sigma_q(t)^2*(1-betabar_t)^2)", ELBO_WEIGHT),
    (r"\frac{1}{2}\left(\mathrm{SNR}(t-1) - \mathrm{SNR}(t)\right)", (snr(t - 1) - snr(t)) / 2),
    (r"\frac{\beta_t}{2\alpha_t(1-\bar\alpha_{t-1})}",
     beta(t) / (2 * (1 - beta(t)) * (1 - beta_bar(t - 1)))),
    # gan.optimal_discriminator
    (r"\frac{p_r(x)}{p_r(x)+p_g(x)}", D_STAR),
    (r"\frac{p_{data}(x)}{p_{data}(x) + p_g(x)}", D_STAR),
    (r"\frac{p_\text{data}(x)}{p_\text{data}(x)+p_g(x)}", D_STAR),
    ("p_r(x)/(p_r(x)+p_g(x))", D_STAR),
    ("1/(1+p_g/p_r)", D_STAR),
    # gan.generator_objective
    (r"-\log 4 + 2\,\mathrm{JSD}(p_r\|p_g)", C_G),
    ("2*JSD(p_r||p_g) - log(4)", C_G),
    (r"-2\log 2 + 2 D_{JS}(p_r \| p_g)", C_G),
    (r"D_{KL}\left(p_r\|\frac{p_r+p_g}{2}\right) + \mathrm{KL}(p_g\|\frac{p_r+p_g}{2}) - \log 4",
     KLDivergence(P_R, (P_R + P_G) / 2) + KLDivergence(P_G, (P_R + P_G) / 2) - sp.log(4)),
    (r"\int p_r(x)\log D^*(x) + p_g(x)\log(1-D^*(x))\,dx",
     IntegralDx(P_R * sp.log(D) + P_G * sp.log(1 - D))),
    (r"\mathbb{E}_{x\sim p_r}[\log D(x)] + E_{x~p_g}[\log(1-D(x))]",
     Expectation(P_R, sp.log(D)) + Expectation(P_G, sp.log(1 - D))),
    (r"\int p_r \log\frac{p_r}{p_r+p_g} + p_g\log\frac{p_g}{p_r+p_g} \, dx",
     IntegralDx(P_R * sp.log(D_STAR) + P_G * sp.log(P_G / (P_R + P_G)))),
    # diffusion.conditional_score
    (r"s_\theta(x) - 2(x - x_{known})\odot M", s_theta - 2 * (x - x_known) * M),
    (r"s_\theta(x) - 2 M \odot M \odot (x - x_\text{known})", SCORE),
    ("s_theta(x) - 2*M**2*(x - x_known)", SCORE),
    (r"s_\theta(x, \delta) + \nabla", None),  # \nabla is not notation: a ParseError below
    (r"s_\theta(x) - \lVert (x - x_{known}) \odot M \rVert^2", s_theta - (x - x_known) ** 2 * M ** 2),
    (r"s_\theta(x) - \|(x-x_{\mathrm{known}})\odot M\|^2", s_theta - (x - x_known) ** 2 * M ** 2),
    # the ELBO's denoising term
    (r"\|\hat{x}_\theta(x_t) - x_0\|^2", (x_hat - x_0) ** 2),
    (r"(\hat x_0 - x_0)^2", (x_hat - x_0) ** 2),
]


@pytest.mark.parametrize("text, expected", [a for a in ANSWERS if a[1] is not None])
def test_answer_parses_to_its_expression(text, expected):
    got = parse(text)
    assert got == expected or sp.simplify(got - expected) == 0, f"{text} -> {got}"


NOTATION = [
    (r"\beta_t", beta(t)), (r"\beta_{t-1}", beta(t - 1)), ("beta_t", beta(t)),
    (r"\beta_{t+1}", beta(t + 1)), (r"\beta_3", beta(3)),
    (r"\bar\beta_t", beta_bar(t)), (r"\bar{\beta}_{t-1}", beta_bar(t - 1)),
    (r"\overline{\beta}_t", beta_bar(t)), (r"\bar\alpha_t", beta_bar(t)),
    (r"\bar{\alpha}_t", beta_bar(t)), (r"\overline{\alpha}_t", beta_bar(t)),
    ("betabar_t", beta_bar(t)), ("alphabar_t", beta_bar(t)), ("betabar_{t-1}", beta_bar(t - 1)),
    (r"\alpha_t", 1 - beta(t)), ("alpha_t", 1 - beta(t)), (r"\bar\alpha_0", 1),
    (r"\prod_{i=1}^{t}(1-\beta_i)", PROD_T),
    (r"\prod_{s=1}^{t-1}\alpha_s", sp.Product(1 - beta(s), (s, 1, t - 1))),
    (r"\prod_{i=1}^{t} \alpha_i", PROD_T), ("prod_{i=1}^{t}(1-beta_i)", PROD_T),
    (r"\sum_{i=1}^{t}\beta_i", sp.Sum(beta(i), (i, 1, t))),
    (r"\prod_{i=1}^{t} \alpha_i x_0", PROD_T * x_0),
    (r"\sigma_q(t)^2", posterior_variance(t)), (r"\sigma_q^2(t)", posterior_variance(t)),
    (r"\sigma_q(t)^{2}", posterior_variance(t)), (r"\sigma_q(t)", sp.sqrt(posterior_variance(t))),
    (r"\tilde\beta_t", posterior_variance(t)), (r"\mathrm{SNR}(t)", snr(t)),
    ("SNR(t-1)", snr(t - 1)),
    ("x_t", x_t), ("x_0", x_0), ("x_{t-1}", sp.Symbol("x_{t-1}", real=True)), ("x", x),
    ("x_{known}", x_known), (r"x_{\text{known}}", x_known), (r"x_\mathrm{known}", x_known),
    ("x_known", x_known), ("M", M), (r"\hat{x}_\theta(x_t)", x_hat), (r"\hat x_0", x_hat),
    (r"s_\theta(x)", s_theta), (r"s_\theta(x, \delta)", s_theta), (r"x \odot M", x * M),
    (r"\|x\|^2", x ** 2), (r"\lVert x \rVert^2", x ** 2),
    ("p_r(x)", P_R), ("p_{data}(x)", P_R), (r"p_\text{data}(x)", P_R), ("p_r", P_R),
    ("p_g(x)", P_G), ("p_g", P_G),
    (r"\mathrm{JSD}(p_r\|p_g)", JSDivergence(P_R, P_G)), ("JSD(p_r||p_g)", JSDivergence(P_R, P_G)),
    (r"D_{JS}(p_r\|p_g)", JSDivergence(P_R, P_G)), (r"D_{KL}(p_r\|p_g)", KLDivergence(P_R, P_G)),
    (r"\mathrm{KL}(p_r\|p_g)", KLDivergence(P_R, P_G)), ("KL(p_r||p_g)", KLDivergence(P_R, P_G)),
    (r"\int p_r(x) dx", IntegralDx(P_R)), (r"\int p_g \,dx", IntegralDx(P_G)),
    (r"\mathbb{E}_{x\sim p_r}[x]", Expectation(P_R, x)), ("E_{x~p_g}[x]", Expectation(P_G, x)),
    ("D^*(x)", D), ("D(x)", D), (r"D^{*}", D),
    # arithmetic and layout
    ("2x_t", 2 * x_t), (r"\beta_t x_0", beta(t) * x_0), (r"\frac{x}{2}x_0", x * x_0 / 2),
    (r"\beta_t(1-\beta_t)", beta(t) * (1 - beta(t))), ("3 * x / 4", 3 * x / 4),
    (r"2 \times x \cdot 3", 6 * x), ("x^2", x ** 2), ("x**2", x ** 2), ("x^{-1}", 1 / x),
    ("0.25x", x / 4), (".5", sp.Rational(1, 2)), ("-x", -x), ("--x", x), (r"\pi", sp.pi),
    (r"\left( x \right)", x), (r"\left[ x - 1 \right]^2", (x - 1) ** 2), ("{x}", x),
    (r"\tfrac{1}{2}", sp.Rational(1, 2)), (r"\frac12", sp.Rational(1, 2)),
    (r"\sqrt{x}", sp.sqrt(x)), (r"\sqrt[3]{x}", sp.root(x, 3)), ("sqrt(x)", sp.sqrt(x)),
    (r"\log x", sp.log(x)), (r"\ln(x)", sp.log(x)), ("log(x)", sp.log(x)),
    (r"\exp(x)", sp.exp(x)), ("exp(x)", sp.exp(x)), ("e^{x}", sp.exp(x)), ("e^{-x/2}", sp.exp(-x / 2)),
    (r"x\,\;\!\quad x", x ** 2), (r"\log 4", sp.log(4)),
]


@pytest.mark.parametrize("text, expected", NOTATION)
def test_notation(text, expected):
    assert parse(text) == expected, text


def test_names_are_symbols_with_their_assumptions():
    assert parse(r"x_{t-1}").is_real and parse("D(x)").is_positive
    assert symbol_names(parse(r"\bar\alpha_t x_0 + \beta_t")) == {"beta_bar", "beta", "t", "x_0"}
    assert symbol_names(parse(r"\prod_{i=1}^{t}\alpha_i")) == {"prod", "beta", "t"}
    assert {"beta", "beta_bar", "p_r(x)", "JSD"} <= set(known_names())


ALLOWED = {"beta", "beta_bar", "prod", "t", "x_t", "x_0"}


def test_allowed_names():
    assert parse(r"\sqrt{\bar\alpha_t}x_0 + \sigma_q(t)", ALLOWED) is not None
    with pytest.raises(ParseError, match=r"unknown symbol 'x_known' \(allowed: beta, "):
        parse("x_known + x_t", ALLOWED)
    with pytest.raises(ParseError, match="unknown symbol 'D'"):
        parse(r"\log D^*(x)", {"p_r(x)", "p_g(x)"})
    with pytest.raises(ParseError, match="unknown symbol 'y'"):
        parse("x_t + y", ALLOWED)


ERRORS = [
    ("", "empty"), ("   ", "empty"), (r"\frac{1}{2", "end of input"), ("x}", "unexpected '}' at column 2"),
    (r"\frac{x}}{2}", "unexpected '}' at column 9"), (r"\foo + x", "unknown command '\\foo' at column 1"),
    ("y", "unknown symbol 'y'"), ("xy", "unknown symbol 'xy'"), ("e", "unknown symbol 'e'"),
    ("2^{1000}", "exponent"), ("x^{-201}", "exponent"), ("1" * 31, "more than 30 digits"),
    ("x" + "+x" * 1000, f"longer than {MAX_LENGTH}"), ("(" * 61 + "x" + ")" * 61, "deeper than 60"),
    ("-" * 300 + "x", "deeper than 60"), ("x_", "end of input"), (r"\beta", "end of input"),
    ("p_q(x)", "unknown symbol 'p_q'"), (r"\sigma_t(t)", "unknown symbol"), ("x $ 2", "character '$'"),
    ("((10^{200})^{200})^{200}", "digits"), (r"s_\theta(x, \delta) + \nabla", "unknown command"),
    (r"\beta_x", "step index"), ("x^", "end of input"), (r"\sqrt", "end of input"),
]


@pytest.mark.parametrize("text, message", ERRORS)
def test_bad_input_is_one_line_parse_error(text, message):
    with pytest.raises(ParseError) as error:
        parse(text)
    assert message in str(error.value) and "\n" not in str(error.value), str(error.value)


def test_depth_60_is_accepted():
    assert parse("(" * 60 + "x" + ")" * 60) == x


def _parse_or_error(text):
    try:
        result = parse(text)
    except ParseError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(result, sp.Expr)


LATEX_TOKENS = [
    r"\frac", r"\dfrac", r"\sqrt", r"\sqrt[3]", r"\beta", r"\alpha", r"\bar", r"\overline",
    r"\tilde", r"\hat", r"\sigma", r"\theta", r"\prod", r"\sum", r"\int", r"\log", r"\exp",
    r"\ln", r"\cdot", r"\times", r"\odot", r"\pi", r"\left(", r"\right)", r"\left[", r"\right]",
    r"\|", r"\lVert", r"\rVert", r"\mathrm{SNR}", r"\mathrm{JSD}", r"\mathbb{E}", r"\text{known}",
    r"\sim", r"\,", r"\quad", r"\foo", "{", "}", "(", ")", "[", "]", "_", "^", "**", "+", "-", "*",
    "/", ",", "=", "~", "||", "|", "x", "x_t", "x_0", "t", "i", "s", "p", "r", "g", "q", "D",
    "D^*", "E", "e", "M", "KL", "JSD", "SNR", "dx", "1", "2", "0", "200", "201", ".5", "99999",
    "beta", "alphabar", "betabar", "sqrt", "prod", "data", " ",
]


@settings(max_examples=300, deadline=1000)
@given(st.text(max_size=60))
def test_random_text_never_crashes(text):
    _parse_or_error(text)


@settings(max_examples=400, deadline=1000)
@given(st.lists(st.sampled_from(LATEX_TOKENS), max_size=30))
def test_latex_token_soup_never_crashes(tokens):
    _parse_or_error("".join(tokens))


@settings(max_examples=60, deadline=1000)
@given(st.integers(0, 150), st.sampled_from(["(", "{", r"\left(", r"\sqrt{", r"\frac{1}{", "-",
                                              r"\log", "x^", r"\sqrt", r"\frac{x}", "e^"]),
       st.sampled_from(["x", "", ")", "}", "x}{2}"]), st.booleans())
def test_deep_nesting_never_crashes(depth, opener, body, close):
    closer = {"(": ")", "{": "}", r"\left(": r"\right)", r"\sqrt{": "}", r"\frac{1}{": "}"}
    text = opener * depth + body + (closer.get(opener, "") * depth if close else "")
    _parse_or_error(text)


@settings(max_examples=100, deadline=1000)
@given(st.sampled_from([a[0] for a in ANSWERS]), st.integers(0, 200), st.text(string.printable, max_size=3))
def test_mutated_answers_never_crash(answer, position, insert):
    position = min(position, len(answer))
    _parse_or_error(answer[:position] + insert + answer[position:])


# --- issue 11: what students type around and inside an answer

ab = beta_bar
FORMS = [
    (r"$\sqrt{\bar\alpha_t}$", sp.sqrt(ab(t))), (r"$$\sqrt{\bar\alpha_t}$$", sp.sqrt(ab(t))),
    (r"\[\sqrt{\bar\alpha_t}\]", sp.sqrt(ab(t))), (r"\sqrt{\bar\alpha_t}.", sp.sqrt(ab(t))),
    (r"$1-\bar\alpha_t,$", 1 - ab(t)), (r"D^*(x) = \frac{p_r}{p_r+p_g}", P_R / (P_R + P_G)),
    (r"D*(x) = \frac{p_r}{p_r+p_g}", P_R / (P_R + P_G)), (r"C(G) = 2 JS(p_r, p_g)", 2 * JSDivergence(P_R, P_G)),
    (r"\mu_q(x_t, x_0) = x_0", sp.Symbol("x_0", real=True)), (r"\tilde\mu_t = x_0", sp.Symbol("x_0", real=True)),
    (r"\tilde\sigma_t^2 = \beta_t", beta(t)), (r"\nabla_x \log p(x | x_{known}) = s_\theta(x)", sp.Symbol("s_θ(x)", real=True)),
    (r"KL\left(p_r \middle\| p_g\right)", KLDivergence(P_R, P_G)), (r"\mathrm{JS}(p_r\|p_g)", JSDivergence(P_R, P_G)),
    (r"\Pi_{i=1}^t \alpha_i", sp.Product(1 - beta(i), (i, 1, t))),
    (r"\prod\limits_{i=1}^{t} \alpha_i", sp.Product(1 - beta(i), (i, 1, t))),
    (r"(1-\beta_1)(1-\beta_2)\cdots(1-\beta_t)", sp.Product(1 - beta(i), (i, 1, t))),
    (r"\alpha_1 \alpha_2 \cdots \alpha_{t-1}", sp.Product(1 - beta(i), (i, 1, t - 1))),
    (r"\frac{P_r}{P_g}", P_R / P_G), (r"p_{\rm data} + p_{model} + p_{real} + p_{fake} + p_G", 2 * P_R + 3 * P_G),
    ("alpha_bar_t", ab(t)), ("alphabar_t", ab(t)), ("\u03b1\u0304_t", ab(t)), ("\u03b2\u0304_t", ab(t)),
    (r"\mathbf{s}_\theta(\mathbf{x})", sp.Symbol("s_θ(x)", real=True)), (r"(1-\bar\alpha_t)\mathbf{I}", 1 - ab(t)),
    (r"\tilde\sigma_t^2", posterior_variance(t)), (r"\nabla_x \log p(x)", sp.Symbol("s_θ(x)", real=True)),
    (r"\sigma_q^2(1-\bar\alpha_t)", posterior_variance(t) * (1 - ab(t))), ("1/2x", 1 / (2 * sp.Symbol("x", real=True))),
]


@pytest.mark.parametrize("text, expected", FORMS)
def test_students_forms_read_as_meant(text, expected):
    assert sp.simplify(parse(text) - expected) == 0


@pytest.mark.parametrize("text, message", [
    (r"\sqrt{\bar\alpha_t} = \sqrt{\alpha_t}", "'=' at column 21"), ("1 = 2", "'=' at column 3"),
    (r"\beta_1 + \cdots + \beta_t", "between the factors of a product"),
    (r"(1-\beta_1)(1-\beta_3)\cdots(1-\beta_t)", r"\cdots"), (r"\cdots", r"\cdots"),
    (r"\sigma_q^2(1-\bar\alpha_t)^2", "ambiguous"), ("p_{nonsense}", "unknown symbol 'p_nonsense'"),
    ("$$", "empty"),
])
def test_forms_that_cannot_be_read_say_why(text, message):
    with pytest.raises(ParseError) as error:
        parse(text)
    assert message in str(error.value) and "\n" not in str(error.value), str(error.value)


def test_restating_heads_are_reported():
    used: set[str] = set()
    parse(r"\tilde\beta_t + \sigma_q(t)^2 + \tilde\sigma_t", used=used)
    assert used == {"β̃", "σ_q", "σ̃"}


def test_the_grammar_is_built_at_first_use_not_at_import():
    import subprocess
    import sys

    code = ("import genverify.grading.parse as p; assert p._parser.cache_info().currsize == 0; "
            "p.parse('1'); assert p._parser.cache_info().currsize == 1")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
