r"""Students' answers, typed as LaTeX or plain text, as SymPy expressions.

``parse(text)`` reads the course notation (``design.md``, "Notation") with the LALR grammar in
``notation.lark`` and builds the expression directly from the parse tree: nothing the student
typed is ever evaluated, ``sympify``-ed or handed to another parser.

    >>> parse(r"\sqrt{\bar\alpha_t}x_0")
    x_0*sqrt(β̄_t)
    >>> parse("sqrt(1-beta_t)*x_t")
    x_t*sqrt(1 - β_t)

Notation: ``β_k``/``beta_k`` is ``beta(k)``; ``β̄_k``, ``ᾱ_k`` (``\bar``, ``\overline``,
``betabar``, ``alpha_bar``, a combining macron) are ``beta_bar(k)``; ``α_k`` is ``1 - beta(k)``; ``σ_q(t)`` is
``sqrt(posterior_variance(t))`` and ``\tilde\beta_t`` is ``posterior_variance(t)``;
``SNR(k)`` is ``snr(k)``; ``\prod_{i=1}^{t}``/``\sum`` are ``Product``/``Sum`` over a fresh
positive integer ``i``; ``p_r``/``p_data``/``p_g`` are the density symbols of
``functionals``; ``KL``, ``D_{KL}``, ``JSD``, ``D_{JS}``, ``\int .. dx`` and
``E_{x~p}[f]`` are its functionals.  ``x``, ``x_t``, ``x_0``, ``x_{t-1}``, ``x_known``, ``M``,
``\hat x_θ(x_t)`` and ``s_θ(x)`` are real symbols of one coordinate, so ``⊙`` is a product and
``‖v‖²`` is ``v**2``.  ``D(x)``/``D^*(x)`` is the positive symbol ``D``.  ``μ_1``, ``μ_2``
(``\mu_1``, ``mu_1``) and ``σ_1``, ``σ_2`` (``\sigma_1``, ``sigma_1``) are the means and standard
deviations of two Gaussians (real, and positive).

Ambiguity rules:

- A name followed by ``(`` is a function application only for the function-like names
  ``p_r, p_g, p_data, s_θ, σ_q, SNR, D, D^*, x̂_θ, log, ln, exp, sqrt, JSD, KL``; after any
  other name ``(`` multiplies: ``\beta_t(1-\beta_t)``.
- ``σ_q^2(t)``: a parenthesised argument that is not an index expression multiplies
  (``\sigma_q^2(1-\bar\alpha_t)`` is ``σ_q(t)² (1-ᾱ_t)``); a missing argument means ``t``.
  ``\sigma_q^2(1-\bar\alpha_t)^2`` is refused as ambiguous (the grammar would square the
  product).
- Juxtaposition binds tighter than ``/`` and ``*``: ``1/2x`` is ``1/(2x)``, ``a/b c`` is
  ``a/(bc)``, ``a*b/c*d`` is ``((ab)/c)d``.  Write ``\frac`` or brackets when in doubt; the
  grade's ``read_as`` shows how an answer was read.
- ``e`` is Euler's number only in ``e^{..}``; alone it is an unknown symbol.
- Letters are never split into a product of unknown letters: ``xy`` is the unknown symbol
  ``xy``.  A subscript without braces is one letter or one of the words ``known, data,
  theta, KL, JS`` (``x_tx_0`` is ``x_t x_0``), or digits.
- ``\log``, ``\exp``, ``\sqrt`` without parentheses take the next factor without its
  exponent: ``\log x^2`` is ``(log x)^2``, ``\log 2x`` is ``log(2)·x``.
- A big operator's body is the rest of the implicit product after it; factors that do not
  involve the index are taken out (``\prod_{i=1}^t \alpha_i x_0`` is ``(∏ α_i) x_0``,
  exact for sums and the evident intent for products).
- ``\|v\|`` opens a norm only where a factor may start; after a factor use ``\cdot`` or
  ``\lVert``: ``2\lVert v\rVert^2``.  Inside ``KL(..)``/``JSD(..)`` it separates p and q.

Known gaps: ``\frac`` with single-token arguments other than two digits (``\frac1x``),
``\beta^2_t`` (superscript before subscript), integral bounds, ``|v|``.

Limits (each a ``ParseError`` naming it): more than 2000 characters, brackets nested deeper
than 60, integer exponents beyond ±200, numbers with more than 30 digits.

``symbol_names(expr)`` names what an expression uses: its free symbols by name, ``beta``,
``beta_bar``, ``prod``, ``sum``, ``integral``, ``E``, ``KL``, ``JSD``.  ``parse(text, allowed)``
rejects an answer using any name outside ``allowed``.  ``known_names()`` lists them all.
"""

from __future__ import annotations

import math
import os
import re
import sys
from functools import lru_cache
from importlib import resources

import sympy as sp
from lark import Lark, Token, Transformer, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, \
    UnexpectedToken, VisitError

from genverify.derivations.notation import beta, beta_bar, posterior_variance, snr
from genverify.grading.errors import ParseError
from genverify.grading.functionals import P_G, P_R, Expectation, IntegralDx, JSDivergence, \
    KLDivergence
from genverify.grading.surface import strip_surface

MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_EXPONENT = 200
MAX_DIGITS = 30
#: Parse-tree depth allowed for ``MAX_DEPTH`` brackets; deeper trees come from unbracketed
#: chains (``----x``, ``\sqrt\sqrt..``) and are refused the same way.
_MAX_TREE_DEPTH = 4 * MAX_DEPTH
#: Integers built from numbers the student typed (``(10^{200})^{200}``) stay below this.
_MAX_RESULT_DIGITS = 1000

t = sp.Symbol("t", integer=True, positive=True)

_INDEX_LETTERS = frozenset("tijklmns")
_SUB_WORDS = {"known": "known", "data": "data", "theta": "θ", "θ": "θ", "\\theta": "θ"}
_HAT_X = sp.Symbol("x̂_θ(x_t)", real=True)
_S_THETA = sp.Symbol("s_θ(x)", real=True)
_D = sp.Symbol("D", positive=True)
#: ``p_r`` (data) and ``p_g`` (model, generator) as students subscript them.
_DATA_SUBSCRIPTS = frozenset({"r", "R", "data", "real"})
_MODEL_SUBSCRIPTS = frozenset({"g", "G", "model", "fake", "θ"})
#: ``\cdots`` between written-out factors, replaced by a product (``_expand_ellipses``).
_ELLIPSIS = sp.Symbol("⋯")

_FUNCTION_NAMES = {beta: "beta", beta_bar: "beta_bar", sp.Product: "prod", sp.Sum: "sum",
                   IntegralDx: "integral", Expectation: "E", KLDivergence: "KL",
                   JSDivergence: "JSD"}
#: The two Gaussians of a KL divergence: ``N(μ_1, σ_1²)`` and ``N(μ_2, σ_2²)``.
_GAUSSIAN_MEANS = {k: sp.Symbol(f"μ_{k}", real=True) for k in ("1", "2")}
_GAUSSIAN_SCALES = {k: sp.Symbol(f"σ_{k}", positive=True) for k in ("1", "2")}
_SYMBOL_NAMES = ("t", "x", "x_t", "x_0", "x_{t-1}", "x_known", "M", _HAT_X.name, _S_THETA.name,
                 P_R.name, P_G.name, "D", *(s.name for s in (*_GAUSSIAN_MEANS.values(), *_GAUSSIAN_SCALES.values())))


def known_names() -> tuple[str, ...]:
    """Every name ``symbol_names`` can report for a parsed answer (``x_k`` for any index k)."""
    return _SYMBOL_NAMES + tuple(_FUNCTION_NAMES.values())


def symbol_names(expr: sp.Basic) -> set[str]:
    """The names of the symbols and notation functions ``expr`` uses (bound indices excluded)."""
    names = {s.name for s in expr.free_symbols}
    names |= {name for cls, name in _FUNCTION_NAMES.items() if expr.atoms(cls)}
    return names


def _index(letter: str) -> sp.Symbol:
    return t if letter == "t" else sp.Symbol(letter, integer=True, positive=True)


class _Word(str):
    """A subscript word (``known``, ``r``, ``t``, ``0``) before its head gives it a meaning."""


class _Build(Transformer):
    """Parse tree -> SymPy, one method per rule of ``notation.lark``."""

    def __init__(self, allowed_message: str, used: set[str]):
        super().__init__()
        self._allowed = allowed_message
        self._used = used
        #: ids of ``σ_q^2(expr)`` products, where a following ``^n`` is ambiguous.
        self._juxtaposed_sigma: set[int] = set()

    def _fail(self, message: str, token=None):
        where = f" at column {token.column}" if isinstance(token, Token) and token.column else ""
        raise ParseError(message + where)

    def _unknown(self, name: str, token=None):
        where = f" at column {token.column}" if isinstance(token, Token) and token.column else ""
        raise ParseError(f"unknown symbol '{name}'{where} ({self._allowed})")

    # -- subscripts ------------------------------------------------------------------------
    def sub_word(self, items):
        token = items[0]
        text = {"KL": "KL", "JSD": "JS"}.get(token.type) or self._word_text(token)
        word = _Word(_SUB_WORDS.get(text, text))
        word.token = token
        return word

    def sub_expr(self, items):
        return items[0]

    def sub(self, items):
        return items[0]

    def _index_of(self, sub, head):
        """A subscript as a step index: ``t``, ``t-1``, ``i``, ``3``."""
        if isinstance(sub, _Word):
            if sub.isdigit():
                return sp.Integer(int(sub))
            if sub in _INDEX_LETTERS:
                return _index(sub)
            self._fail(f"'{sub}' is not a step index of {head}", sub.token)
        if not (sub.free_symbols and all(s.is_integer for s in sub.free_symbols)
                or sub.is_Integer):
            self._fail(f"the index of {head} must be a step such as t or t-1, not '{sub}'")
        return sub

    # -- numbers and operators ---------------------------------------------------------------
    def number(self, items):
        text = str(items[0])
        if sum(c.isdigit() for c in text) > MAX_DIGITS:
            self._fail(f"number with more than {MAX_DIGITS} digits", items[0])
        whole, _, frac = text.partition(".")
        return sp.Rational(int(whole or "0") * 10 ** len(frac) + int(frac or "0"), 10 ** len(frac))

    def frac_digits(self, items):
        digits = [c for c in str(items[0]) if c.isdigit()]
        return sp.Rational(int(digits[0]), int(digits[1])) if digits[1] != "0" else sp.zoo

    def add(self, items):
        return items[0] + items[1]

    def minus(self, items):
        return items[0] - items[-1]

    def mul(self, items):
        factors = [i for i in items if not isinstance(i, Token)]
        return factors[0] * factors[1]

    def div(self, items):
        return items[0] / items[1]

    def neg(self, items):
        return -items[-1]

    def pow(self, items):
        base, exponent = items[0], items[-1]
        if id(base) in self._juxtaposed_sigma:
            # σ_q^2(1-ᾱ_t)^2: σ_q(t)²·(1-ᾱ_t)² or (σ_q(t)²(1-ᾱ_t))²? Both are read by someone.
            self._fail(r"'\sigma_q^2(...)^n' is ambiguous: write \sigma_q(t)^2 (...)^n for σ_q(t)² times "
                       r"(...)^n, or (\sigma_q(t)^2 (...))^n", items[1])
        if exponent.is_Integer and abs(exponent) > MAX_EXPONENT:
            self._fail(f"integer exponent {exponent} beyond ±{MAX_EXPONENT}", items[1])
        if base.is_Rational and exponent.is_Integer:
            size = abs(int(exponent)) * math.log10(abs(base.p) + base.q + 1)
            if size > _MAX_RESULT_DIGITS:
                self._fail(f"number with more than {_MAX_RESULT_DIGITS} digits", items[1])
        return base ** exponent

    def norm(self, items):
        # Coordinatewise, ‖v‖² is v²; only squares of norms occur in the answers.
        return items[0]

    def frac(self, items):
        return items[1] / items[2]

    def sqrt(self, items):
        return sp.sqrt(items[1])

    def root(self, items):
        return sp.root(items[2], items[1])

    def func(self, items):
        name = str(items[0]).strip("\\").split("{")[-1].strip("} ")
        name = name.lstrip("\\")
        return sp.exp(items[1]) if name == "exp" else sp.log(items[1])

    def euler_pow(self, items):
        return sp.exp(items[-1])

    def euler_alone(self, items):
        self._fail("unknown symbol 'e' (Euler's number is written e^{...})", items[0])

    def pi(self, items):
        return sp.pi

    def greek(self, items):
        # Unknown, but it may be an ignored argument (``s_θ(x, δ)``): judged at the end.
        return sp.Symbol(str(items[0]), real=True)

    def greek_sub(self, items):
        head, sub = items
        if str(head) in ("\\mu", "μ") and str(sub) in _GAUSSIAN_MEANS:
            return _GAUSSIAN_MEANS[str(sub)]
        self._unknown(str(head).lstrip("\\") + f"_{sub}", head)

    # -- names -------------------------------------------------------------------------------
    def _word_text(self, token):
        text = str(token)
        if token.type == "TEXTWORD":
            text = text[text.index("{") + 1:-1].strip()
        return text

    def name(self, items):
        text = self._word_text(items[0])
        if text in ("x", "M"):
            return sp.Symbol(text, real=True)
        if text in _INDEX_LETTERS:
            return _index(text)
        self._unknown(text, items[0])

    def name_sub(self, items):
        text = self._word_text(items[0])
        if text == "mu" and str(items[1]) in _GAUSSIAN_MEANS:
            return _GAUSSIAN_MEANS[str(items[1])]
        if text != "x":
            self._unknown(f"{text}_…", items[0])
        sub = items[1]
        if isinstance(sub, _Word):
            label = str(sub)
            if label != "known" and not label.isdigit() and label not in _INDEX_LETTERS:
                self._unknown(f"x_{label}", sub.token)
        else:
            label = sp.sstr(self._index_of(sub, "x")).replace(" ", "")
        return sp.Symbol(f"x_{label}" if len(label) == 1 or label == "known" else f"x_{{{label}}}",
                         real=True)

    def s_alone(self, items):
        return _index("s")

    def s_theta(self, items):
        if items[1] != "θ":
            self._unknown(f"s_{items[1]}", items[0])
        return _S_THETA

    def beta(self, items):
        return beta(self._index_of(items[1], "β"))

    def alpha(self, items):
        return 1 - beta(self._index_of(items[1], "α"))

    def bar_head(self, items):
        return items[0]

    def beta_bar(self, items):
        return beta_bar(self._index_of(items[1], "β̄"))

    def beta_bar_inner(self, items):
        return beta_bar(self._index_of(items[-1], "β̄"))

    def beta_tilde(self, items):
        self._used.add("β̃")
        return posterior_variance(self._index_of(items[-1], "β̃"))

    def sigma_tilde(self, items):
        self._used.add("σ̃")
        return sp.sqrt(posterior_variance(self._index_of(items[-1], "σ̃")))

    def _step_argument(self, arg):
        return arg is not None and (arg.is_Integer or arg.free_symbols and all(
            s.is_integer for s in arg.free_symbols) and arg.is_polynomial())

    def sigma_q(self, items):
        head, sub, _, exponent, call = items
        if str(sub) in _GAUSSIAN_SCALES:
            if call is not None:
                self._fail(f"σ_{sub} is a standard deviation, not a function: write it without (...)", head)
            scale = _GAUSSIAN_SCALES[str(sub)]
            return scale if exponent is None else self.pow([scale, head, exponent])
        if sub != "q":
            self._unknown(f"σ_{sub}", head)
        self._used.add("σ_q")
        arg = call[0] if call else None
        if call is not None and len(call) != 1:
            self._fail("σ_q takes one step argument", head)
        sigma = sp.sqrt(posterior_variance(arg if self._step_argument(arg) else t))
        value = sigma if exponent is None else self.pow([sigma, head, exponent])
        if arg is None or self._step_argument(arg):
            return value
        product = value * arg
        self._juxtaposed_sigma.add(id(product))
        return product

    def call(self, items):
        return [i for i in items if not isinstance(i, Token)]

    def snr(self, items):
        arg = items[1]
        if len(arg) != 1 or not self._step_argument(arg[0]):
            self._fail("SNR takes one step argument such as t", items[0])
        return snr(arg[0])

    def density(self, items):
        sub = items[1]
        if sub in _DATA_SUBSCRIPTS:
            return P_R
        if sub in _MODEL_SUBSCRIPTS:
            return P_G
        self._unknown(f"p_{sub}", items[0])

    def score(self, items):
        # ∇_x log p(x) is the prior's score, which the course writes s_θ(x).
        return _S_THETA

    def ellipsis(self, items):
        return _ELLIPSIS

    def identity(self, items):
        return sp.Integer(1)

    def discriminator(self, items):
        return _D

    def div_args(self, items):
        return [i for i in items if not isinstance(i, Token)]

    def divergence(self, items):
        kind, (p, q) = items[1], items[2]
        if kind == "KL":
            return KLDivergence(p, q)
        if kind == "JS" or kind == "JSD":
            return JSDivergence(p, q)
        self._unknown(f"D_{kind}", items[0])

    def kl(self, items):
        return KLDivergence(*items[1])

    def jsd(self, items):
        return JSDivergence(*items[1])

    def x_hat(self, items):
        if str(items[1]) != "x":
            self._unknown(f"hat {items[1]}", items[1])
        return _HAT_X

    def index_var(self, items):
        return items[0]

    def bigop(self, items):
        op, var, lower, _, upper, body = items
        name = str(var)
        if name not in _INDEX_LETTERS:
            self._fail(f"'{name}' cannot be a product or sum index", var)
        index = _index(name)
        fresh = sp.Symbol(name, integer=True, positive=True)
        body = body.xreplace({index: fresh})
        inside, outside = [], []
        for factor in sp.Mul.make_args(body):
            (inside if fresh in factor.free_symbols else outside).append(factor)
        kind = sp.Sum if "sum" in str(op) or str(op) == "∑" else sp.Product
        return kind(sp.Mul(*inside), (fresh, lower, upper)) * sp.Mul(*outside)

    def integral(self, items):
        return IntegralDx(items[1])

    def expectation(self, items):
        body = [i for i in items if not isinstance(i, Token)]
        if str(items[1]) != "x":
            self._fail(f"expected x ~ p in the subscript of E, not '{items[1]}'", items[1])
        return Expectation(body[0], body[1])

    def expectation_short(self, items):
        body = [i for i in items if not isinstance(i, Token)]
        return Expectation(body[0], body[1])

    def start(self, items):
        return items[0]


def _cache_file() -> str | bool:
    """Where lark keeps the analysed grammar between runs (0.3 s to rebuild, 0.01 s to load): a
    folder only this user can write, since lark's cache is a pickle; no cache when none can be made.
    Lark stores the grammar's SHA-256 with it and rebuilds when the grammar changes."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "genverify")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return False
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        return False
    return os.path.join(folder, f"notation-lark-py{sys.version_info[0]}{sys.version_info[1]}.cache")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The LALR parser of ``notation.lark``, built at the first answer (not at import: listing
    targets or printing ``--help`` needs no grammar), from lark's cache when there is one."""
    grammar = resources.files("genverify.grading").joinpath("notation.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", maybe_placeholders=True, cache=_cache_file())


def _expand_ellipses(expr: sp.Expr) -> sp.Expr:
    """``f(a) f(a+1) ⋯ f(n)`` (a ``\\cdots`` between factors) → ``∏_{i=a}^{n} f(i)``.

    The last factor gives the pattern: its schedule entries share one index ``n`` (``t``,
    ``t-1``); the written-out first factors must be that pattern at a, a+1, ... in order.
    """
    def rewrite(product: sp.Expr) -> sp.Expr:
        factors = [f for f in sp.Mul.make_args(product) if f != _ELLIPSIS]
        indexed = [f for f in factors if f.atoms(beta, beta_bar)]
        others = [f for f in factors if not f.atoms(beta, beta_bar)]
        last = [f for f in indexed if any(not a.args[0].is_Integer for a in f.atoms(beta, beta_bar))]
        first = [f for f in indexed if f not in last]
        if len(last) != 1 or not first or len({a.args[0] for a in last[0].atoms(beta, beta_bar)}) != 1:
            raise ParseError(_ELLIPSIS_HELP)
        i = sp.Symbol("i", integer=True, positive=True)
        pattern = last[0].xreplace({a: a.func(i) for a in last[0].atoms(beta, beta_bar)})
        upper = next(iter(last[0].atoms(beta, beta_bar))).args[0]
        lows = sorted(int(next(iter(f.atoms(beta, beta_bar))).args[0]) for f in first)
        if any(pattern.xreplace({i: k}) not in first for k in range(lows[0], lows[0] + len(first))):
            raise ParseError(_ELLIPSIS_HELP)
        return sp.Product(pattern, (i, lows[0], upper)) * sp.Mul(*others)

    expanded = expr.replace(lambda e: e.is_Mul and _ELLIPSIS in e.args, rewrite)
    if expanded.has(_ELLIPSIS):
        raise ParseError("\\cdots is read only between the factors of a product: " + _ELLIPSIS_HELP)
    return expanded


_ELLIPSIS_HELP = (r"write the first factors and the last around \cdots, as in "
                  r"(1-\beta_1)(1-\beta_2)\cdots(1-\beta_t), or use \prod_{i=1}^{t}")


def _check_brackets(text: str) -> None:
    depth = 0
    for column, char in enumerate(text, 1):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"brackets nested deeper than {MAX_DEPTH} at column {column}")
        elif char in ")]}":
            depth = max(depth - 1, 0)


def _tree_depth(tree: Tree) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))
    return deepest


def _describe(token: Token) -> str:
    if token.type == "$END":
        return "unexpected end of input"
    return f"unexpected '{token}' at column {token.column}"


def _syntax_error(error: UnexpectedInput, text: str) -> ParseError:
    if isinstance(error, UnexpectedCharacters):
        command = re.match(r"\\[A-Za-z]+", text[error.pos_in_stream:])
        if command:
            return ParseError(f"unknown command '{command.group()}' at column {error.column}")
        return ParseError(f"unexpected character {text[error.pos_in_stream]!r} at column {error.column}")
    if isinstance(error, UnexpectedToken):
        return ParseError(_describe(error.token))
    return ParseError("unexpected end of input")


def parse(text: str, allowed: set[str] | None = None, used: set[str] | None = None) -> sp.Expr:
    """The SymPy expression of an answer in the course notation; ``ParseError`` otherwise.

    ``allowed``: the names (as ``symbol_names`` reports them) the answer may use.  ``used``, if
    given, receives the notation heads the answer wrote that its expression no longer shows
    (``σ_q``, ``σ̃``, ``β̃`` expand to the schedule), so a grader can tell a restated question.
    """
    if not isinstance(text, str):
        raise ParseError("the answer must be text")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"answer longer than {MAX_LENGTH} characters ({len(text)})")
    if not text.strip():
        raise ParseError("empty answer")
    _check_brackets(text)
    text = strip_surface(text)
    if not text.strip():
        raise ParseError("empty answer")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, text) from None
    except LarkError as error:
        raise ParseError(f"cannot read the answer: {str(error).splitlines()[0]}") from None
    if _tree_depth(tree) > _MAX_TREE_DEPTH:
        raise ParseError(f"expression nested deeper than {MAX_DEPTH}")
    names = sorted(allowed) if allowed is not None else sorted(known_names())
    try:
        expr = _Build("allowed: " + ", ".join(names), used if used is not None else set()).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, ParseError):
            raise error.orig_exc from None
        raise ParseError(f"cannot build the expression: {type(error.orig_exc).__name__}") from None
    except RecursionError:
        raise ParseError(f"expression nested deeper than {MAX_DEPTH}") from None
    if not isinstance(expr, sp.Expr):
        raise ParseError("the answer is not an expression")
    expr = _expand_ellipses(expr)
    stray = sorted(s.name for s in expr.free_symbols if s.name.startswith("\\"))
    if stray:
        raise ParseError(f"unknown symbol '{stray[0]}' ({'allowed: ' + ', '.join(names)})")
    if allowed is not None:
        extra = sorted(symbol_names(expr) - set(allowed))
        if extra:
            raise ParseError(f"unknown symbol '{extra[0]}' (allowed: {', '.join(names)})")
    return expr
