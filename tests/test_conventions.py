"""numeric.conventions against what diffusers and improved-diffusion themselves return
(tests/conventions_capture.json, written by scripts/capture_conventions.py with the versions it
records), against values derived by hand, and on inputs it must refuse.

Tolerances: the constructors compute in float64 what the libraries compute in float64 (improved-
diffusion as shipped, diffusers with its float32 rebound to float64 during the capture), so they
agree to RTOL = 1e-12 relative; the measured worst case is 6.3e-13 (diffusers' fixed_small, whose
``1 - ᾱ_t/ᾱ_{t-1}`` cancels).  Where a library rounds to float32 the test says so and allows that
rounding, bounded from float32's unit roundoff u = 2⁻²⁴.
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.numeric import conventions as cv
from genverify.numeric.samplers import _check_timesteps
from genverify.numeric.schedules import Schedule, linear_schedule

CAPTURE = json.loads((Path(__file__).parent / "conventions_capture.json").read_text(encoding="utf-8"))
DIFFUSERS = CAPTURE["diffusers"]
IMPROVED = CAPTURE["improved_diffusion"]
RTOL = 1e-12
U32 = 2.0**-24
#: diffusers clamps its fixed_small variance to this, so log(0) never happens at t = 1.
DIFFUSERS_VARIANCE_FLOOR = 1e-20


def max_rel(actual, expected) -> float:
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    return float(np.max(np.abs(actual - expected) / np.abs(expected)))


def assert_close(actual, expected, rtol: float, what: str) -> None:
    err = max_rel(actual, expected)
    assert err <= rtol, f"{what}: max relative error {err:.3g} > {rtol:g}"


def _case_id(row: dict) -> str:
    return f"{row['schedule']}-T{row['T']}"


# --- diffusers -------------------------------------------------------------------------------

@pytest.mark.parametrize("row", DIFFUSERS["schedules"], ids=_case_id)
def test_diffusers_schedule_matches_the_library_in_float64(row):
    s = cv.diffusers_schedule(row["schedule"], row["T"], row["beta_start"], row["beta_end"])
    idx, lib = row["index"], row["float64"]
    assert lib["dtype"] == "torch.float64"
    assert_close(s.betas[idx], lib["betas"], RTOL, f"{_case_id(row)} betas")
    assert_close(s.alpha_bars[idx], lib["alphas_cumprod"], RTOL, f"{_case_id(row)} β̄_t = alphas_cumprod[t-1]")


@pytest.mark.parametrize("row", DIFFUSERS["schedules"], ids=_case_id)
def test_diffusers_float32_schedule_differs_by_float32_rounding_only(row):
    """diffusers as shipped: β_t rounded to float32 (≤ 4u: torch's float32 linspace and sigmoid
    round a few times), and ᾱ_t a float32 running product, ≤ (T + 4)u plus the first β's rounding
    carried through 1 - β (×β/(1-β), large only where the cosine clip makes β = 0.999)."""
    s = cv.diffusers_schedule(row["schedule"], row["T"], row["beta_start"], row["beta_end"])
    idx, lib = row["index"], row["float32"]
    assert lib["dtype"] == "torch.float32"
    assert_close(s.betas[idx], lib["betas"], 4 * U32, f"{_case_id(row)} float32 betas")
    amplification = float(np.max(s.betas / (1.0 - s.betas)))
    bound = (row["T"] + 4) * U32 + 4 * U32 * amplification
    assert_close(s.alpha_bars[idx], lib["alphas_cumprod"], bound, f"{_case_id(row)} float32 alphas_cumprod")


@pytest.mark.parametrize("row", [r for r in DIFFUSERS["schedules"] if "variance_fixed_small" in r], ids=_case_id)
def test_diffusers_variances(row):
    s = cv.diffusers_schedule(row["schedule"], row["T"], row["beta_start"], row["beta_end"])
    idx = row["index"]
    small = np.maximum(cv.model_variance(s, "fixed_small"), DIFFUSERS_VARIANCE_FLOOR)
    assert_close(small[idx], row["variance_fixed_small"], RTOL, f"{_case_id(row)} fixed_small")
    assert_close(cv.model_variance(s, "fixed_large")[idx], row["variance_fixed_large"], RTOL,
                 f"{_case_id(row)} fixed_large")
    assert row["variance_fixed_small"][0] == DIFFUSERS_VARIANCE_FLOOR  # σ̃_1² = 0, clamped


@pytest.mark.parametrize("row", [r for r in DIFFUSERS["timesteps"] if "ddim_step" in r],
                         ids=lambda r: f"T{r['T']}-n{r['n']}-{r['spacing']}")
def test_diffusers_ddim_step_goes_back_by_T_over_n(row):
    lib = row["ddim_step"]
    t = np.array(lib["timesteps"]) + 1
    assert (cv.diffusers_ddim_previous(t, row["T"], row["n"]) - 1).tolist() == lib["previous"]
    listed_next = np.append(t[1:], 0)
    if row["T"] % row["n"]:
        assert not np.array_equal(cv.diffusers_ddim_previous(t, row["T"], row["n"]), listed_next)
    else:
        assert np.array_equal(cv.diffusers_ddim_previous(t, row["T"], row["n"]), listed_next)


SPACING_ROWS = [r for r in DIFFUSERS["timesteps"] if "DDPMScheduler" in r]


@pytest.mark.parametrize("row", SPACING_ROWS,
                         ids=lambda r: f"T{r['T']}-n{r['n']}-{r['spacing']}+{r['steps_offset']}")
def test_diffusers_timesteps_are_the_library_list_plus_one(row):
    assert row["DDPMScheduler"] == row["DDIMScheduler"]
    library = np.array(row["DDPMScheduler"])
    if library.max() > row["T"] - 1:
        # diffusers lists index T here (n = T, steps_offset = 1), past the end of alphas_cumprod.
        with pytest.raises(ValueError, match="past T - 1"):
            cv.diffusers_timesteps(row["T"], row["n"], row["spacing"], row["steps_offset"])
        return
    if library.min() < 0:
        # "trailing" at T = 17, n = 7 and T = 1000, n = 61: n + 1 timesteps, the last -1.
        assert len(library) == row["n"] + 1 and library[-1] == -1
        with pytest.raises(ValueError, match="the last -1"):
            cv.diffusers_timesteps(row["T"], row["n"], row["spacing"], row["steps_offset"])
        return
    ours = cv.diffusers_timesteps(row["T"], row["n"], row["spacing"], row["steps_offset"])
    assert ours.tolist() == (library[::-1] + 1).tolist()


@pytest.mark.parametrize("row", [r for r in DIFFUSERS["timesteps"] if "respaced_variance" in r],
                         ids=lambda r: f"T{r['T']}-n{r['n']}-{r['spacing']}")
def test_diffusers_ddpm_after_set_timesteps_uses_the_respaced_schedule(row):
    lib = row["respaced_variance"]
    steps = cv.diffusers_timesteps(row["T"], row["n"], row["spacing"])
    assert (steps[::-1] - 1).tolist() == lib["timesteps"]
    spaced = cv.respaced_schedule(cv.diffusers_schedule("linear", row["T"]), steps)
    small = np.maximum(spaced.posterior_variance, DIFFUSERS_VARIANCE_FLOOR)[::-1]
    assert_close(small, lib["fixed_small"], RTOL, "respaced fixed_small")
    assert_close(spaced.betas[::-1], lib["fixed_large"], RTOL, "respaced fixed_large")


def test_ho_linear_is_diffusers_linear_and_unscaled():
    assert np.array_equal(cv.ho_linear_schedule(1000).betas, cv.diffusers_schedule("linear", 1000).betas)
    assert cv.ho_linear_schedule(50).betas[-1] == 0.02


# --- improved-diffusion ---------------------------------------------------------------------

def test_improved_diffusion_capture_names_its_commit():
    assert IMPROVED["commit"] == "1bc7bbbdc414d83d4abf2ad8cc1446dc36c4e4d5"


@pytest.mark.parametrize("row", IMPROVED["schedules"], ids=_case_id)
def test_improved_diffusion_schedule_is_bitwise_the_library(row):
    s = cv.improved_diffusion_schedule(row["schedule"], row["T"])
    assert s.betas[row["index"]].tolist() == row["betas"]


def test_improved_diffusion_linear_by_hand():
    # scale 1000/T = 10: β_1 = 10·1e-4, β_100 = 10·0.02, evenly spaced.
    s = cv.improved_diffusion_schedule("linear", 100)
    expected = 1e-3 + np.arange(100) * (0.2 - 1e-3) / 99
    assert_close(s.betas, expected, RTOL, "linear T=100")
    assert_close(cv.improved_diffusion_schedule("linear", 1000).betas, linear_schedule(1000).betas, RTOL,
                 "linear T=1000 is Ho's")


def test_improved_diffusion_cosine_by_hand():
    """T = 3 from f(u) = cos²((u + 0.008)/1.008 · π/2) at 50 digits; β_3 is clipped to 0.999."""
    with mpmath.workdps(50):
        f = [mpmath.cos((mpmath.mpf(i) / 3 + mpmath.mpf("0.008")) / mpmath.mpf("1.008") * mpmath.pi / 2) ** 2
             for i in range(4)]
        expected = [float(min(1 - f[i + 1] / f[i], mpmath.mpf("0.999"))) for i in range(3)]
    s = cv.improved_diffusion_schedule("cosine", 3)
    assert_close(s.betas, expected, RTOL, "cosine T=3")
    assert s.betas[2] == 0.999


def test_improved_diffusion_variances():
    lib = IMPROVED["variances"]
    s = cv.improved_diffusion_schedule(lib["schedule"], lib["T"])
    assert_close(s.posterior_variance[1:], lib["posterior_variance"][1:], RTOL, "posterior_variance")
    assert lib["posterior_variance"][0] == 0.0 == s.posterior_variance[0]
    # p_mean_variance returns float32 (_extract_into_tensor(...).float()): one rounding.
    small, large = cv.model_variance(s, "fixed_small"), cv.model_variance(s, "improved_diffusion_fixed_large")
    assert_close(small[1:], lib["fixed_small"][1:], U32, "FIXED_SMALL through p_mean_variance")
    assert_close(large, lib["fixed_large"], U32, "FIXED_LARGE through p_mean_variance")
    # FIXED_LARGE at t = 1 is σ̃_2², neither β_1 nor σ̃_1² = 0; from t = 2 on it is β_t.
    assert large[0] == s.posterior_variance[1] != s.betas[0]
    assert np.array_equal(large[1:], s.betas[1:])


@pytest.mark.parametrize("row", IMPROVED["spaced"], ids=lambda r: f"T{r['T']}-{r['section_counts']}")
def test_improved_diffusion_respacing(row):
    steps = cv.improved_diffusion_timesteps(row["T"], row["section_counts"])
    assert (steps - 1).tolist() == row["timestep_map"]
    spaced = cv.respaced_schedule(cv.improved_diffusion_schedule(row["schedule"], row["T"]), steps)
    assert_close(spaced.betas, row["betas"], RTOL, "SpacedDiffusion betas")


def test_respaced_posterior_variance_is_ddim_eta_one_noise():
    """DDIM eq. 16 with η = 1 between kept steps τ_{i-1} < τ_i is the respaced schedule's σ̃²."""
    s = cv.improved_diffusion_schedule("cosine", 1000)
    taus = cv.diffusers_timesteps(1000, 50, "trailing")
    a = np.concatenate(([1.0], s.alpha_bars))
    a_t, a_prev = a[taus], a[np.concatenate(([0], taus[:-1]))]
    sigma2 = (1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)
    spaced = cv.respaced_schedule(s, taus)
    assert_close(spaced.posterior_variance[1:], sigma2[1:], RTOL, "σ(η=1)² = respaced σ̃²")
    assert spaced.posterior_variance[0] == sigma2[0] == 0.0
    # A Schedule stores β', and 1 - β' carries β''s rounding relative to itself, up to ε β'/(1 - β'):
    # large where the last step, past the cosine clip, has 1 - β' ≈ 2.5e-6 (bound 3.6e-10, measured 4.3e-12).
    bound = RTOL + 4 * np.finfo(float).eps * float(np.max(spaced.betas / (1 - spaced.betas)))
    assert_close(spaced.alpha_bars, s.alpha_bars[taus - 1], bound, "β̄'_i = β̄_{τ_i}")


@settings(max_examples=200, deadline=None)
@given(T=st.integers(1, 2000), data=st.data())
def test_timestep_lists_are_valid_ddim_timesteps(T, data):
    """Every list returned increases strictly within 1..T (what ddim_sample takes); diffusers'
    lists have n entries; a refusal is one of the documented ones."""
    n = data.draw(st.integers(1, T), label="n")
    spacing = data.draw(st.sampled_from(cv.DIFFUSERS_SPACINGS), label="spacing")
    try:
        steps = cv.diffusers_timesteps(T, n, spacing)
    except ValueError as error:
        assert spacing == "trailing" and "the last -1" in str(error)
        return
    assert len(steps) == n
    assert steps[0] >= 1 and steps[-1] <= T and np.all(np.diff(steps) > 0)
    assert np.array_equal(_check_timesteps(steps, T), steps)
    uniform = cv.ddim_repo_timesteps(T, n)
    assert uniform[0] == 1 and uniform[-1] <= T and np.all(np.diff(uniform) > 0) and len(uniform) >= n


# --- the DDIM repository's skip types (transcribed; hand-derived values) -----------------------

def test_ddim_repo_uniform():
    assert cv.ddim_repo_timesteps(1000, 50).tolist() == list(range(1, 1000, 20))
    # 1000 // 30 = 33 and range(0, 1000, 33) has 31 entries: one more step than asked for.
    assert cv.ddim_repo_timesteps(1000, 30).tolist() == list(range(1, 1000, 33))
    assert len(cv.ddim_repo_timesteps(1000, 30)) == 31


def test_ddim_repo_quad():
    # ⌊j² · 800/81⌋ for j = 0..9 (u_j = j√800/9), plus one; (√800)² rounds to 800.0000000000001.
    assert cv.ddim_repo_timesteps(1000, 10, "quad").tolist() == [1, 10, 40, 89, 159, 247, 356, 484, 633, 801]
    dense = cv.ddim_repo_timesteps(1000, 100, "quad")
    assert dense[:5].tolist() == [1, 1, 1, 1, 2]  # repeats, as the repository's seq does


# --- index maps ------------------------------------------------------------------------------

def test_alphas_cumprod_index_shift():
    s = cv.diffusers_schedule("linear", 10)
    t = np.arange(1, 11)
    k = cv.index_of(t, 10)
    assert k.tolist() == list(range(10))
    assert cv.t_of_index(k, 10).tolist() == t.tolist()
    # β̄_t = alphas_cumprod[t-1] = ∏_{i≤t}(1-β_i); reading alphas_cumprod[t] is β̄_{t+1}.
    assert s.alpha_bars[cv.index_of(3, 10)] == pytest.approx(np.prod(1.0 - s.betas[:3]), rel=RTOL)
    assert s.alpha_bars[3] != pytest.approx(np.prod(1.0 - s.betas[:3]), rel=1e-6)


def test_schedule_from_alphas_cumprod_round_trips():
    s = cv.improved_diffusion_schedule("cosine", 50)
    back = cv.schedule_from_alphas_cumprod(np.cumprod(1.0 - s.betas))
    assert_close(back.betas, s.betas, 1e-11, "β_t = 1 - ᾱ_t/ᾱ_{t-1}")


# --- the verifier can fail: conventions that differ are told apart ------------------------------

def test_unscaled_linear_does_not_match_improved_diffusion_linear():
    row = next(r for r in IMPROVED["schedules"] if r["schedule"] == "linear" and r["T"] == 50)
    assert max_rel(linear_schedule(50).betas[row["index"]], row["betas"]) > 0.5  # 1000/T = 20 apart
    assert max_rel(cv.improved_diffusion_schedule("linear", 50).betas[row["index"]], row["betas"]) == 0.0


def test_off_by_one_alphas_cumprod_is_caught():
    row = next(r for r in DIFFUSERS["schedules"] if r["schedule"] == "linear" and r["T"] == 10)
    s = cv.diffusers_schedule("linear", 10)
    shifted = np.concatenate((s.alpha_bars[1:], [s.alpha_bars[-1] * (1 - s.betas[-1])]))
    assert max_rel(shifted, row["float64"]["alphas_cumprod"]) > 1e-4
    with pytest.raises(AssertionError, match="relative error"):
        assert_close(shifted, row["float64"]["alphas_cumprod"], RTOL, "shifted")


def test_fixed_large_conventions_differ_only_at_t1():
    s = cv.improved_diffusion_schedule("cosine", 10)
    diff = np.flatnonzero(cv.model_variance(s, "fixed_large") != cv.model_variance(s, "improved_diffusion_fixed_large"))
    assert diff.tolist() == [0]


def test_trailing_refusals_are_exactly_the_overshooting_settings():
    refused = [n for n in range(1, 1001) if _refuses(lambda: cv.diffusers_timesteps(1000, n, "trailing"))]
    overshooting = [n for n in range(1, 1001) if len(np.arange(1000, 0, -1000 / n)) != n]
    assert refused == overshooting and len(refused) == 62 and refused[:3] == [61, 103, 121]


def _refuses(call) -> bool:
    try:
        call()
    except ValueError:
        return True
    return False


def test_leading_and_trailing_differ():
    leading, trailing = cv.diffusers_timesteps(1000, 50, "leading"), cv.diffusers_timesteps(1000, 50, "trailing")
    assert leading[-1] == 981 and trailing[-1] == 1000
    assert np.array_equal(trailing - leading, np.full(50, 19))


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: cv.improved_diffusion_schedule("linear", 20), "needs T > 20"),
    (lambda: cv.improved_diffusion_schedule("quad", 100), "no schedule 'quad'"),
    (lambda: cv.improved_diffusion_schedule("cosine", 0), "positive integer"),
    (lambda: cv.diffusers_schedule("laplace", 10), "no beta_schedule 'laplace'"),
    (lambda: cv.diffusers_timesteps(10, 11), "exceed"),
    (lambda: cv.diffusers_timesteps(10, 5, "even"), "unknown spacing"),
    (lambda: cv.diffusers_timesteps(10, 5, "leading", -1), "non-negative integer"),
    (lambda: cv.diffusers_timesteps(10, 10, "leading", 1), "past T - 1"),
    (lambda: cv.improved_diffusion_timesteps(10, "ddim7"), "cannot create exactly 7"),
    (lambda: cv.improved_diffusion_timesteps(10, "ddimx"), "not an integer"),
    (lambda: cv.improved_diffusion_timesteps(10, [11]), "cannot divide a section of 10 steps into 11"),
    (lambda: cv.improved_diffusion_timesteps(10, []), "empty"),
    (lambda: cv.ddim_repo_timesteps(10, 5, "cubic"), "unknown skip_type"),
    (lambda: cv.ddim_repo_timesteps(10, 11), "exceed"),
    (lambda: cv.model_variance(Schedule([0.5]), "improved_diffusion_fixed_large"), "T ≥ 2"),
    (lambda: cv.model_variance(Schedule([0.5]), "learned"), "unknown variance"),
    (lambda: cv.index_of(0, 10), "outside 1..10"),
    (lambda: cv.diffusers_ddim_previous(11, 10, 5), "outside 1..10"),
    (lambda: cv.t_of_index(10, 10), "outside 1..10"),
    (lambda: cv.t_of_index(1.0, 10), "integer"),
    (lambda: cv.schedule_from_alphas_cumprod([0.5, 0.0]), r"\(0, 1\]"),
    (lambda: cv.schedule_from_alphas_cumprod([[0.5]]), "1-D"),
    (lambda: cv.respaced_schedule(Schedule([0.1, 0.2, 0.3]), [2, 2]), "increase strictly"),
    (lambda: cv.respaced_schedule(Schedule([0.1, 0.2, 0.3]), [4]), "outside 1..3"),
])
def test_refusals(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the notation page and docs/conventions.md -------------------------------------------------

def _all_tex() -> set[str]:
    from genverify import notation_page as page

    def walk(cell):
        if isinstance(cell, tuple):
            for c in cell:
                yield from walk(c)
        elif isinstance(cell, page.Tex):
            yield cell.tex

    cells = [c for table in page._tables() for row in table.rows for c in row]
    return {tex for c in cells for tex in walk(c)} | {t for f in page.FORMULAS for t in (f.homework.tex, f.literature.tex)}


def test_docs_conventions_md_is_generated_from_the_tables():
    from genverify.notation_page import conventions_markdown

    committed = (Path(__file__).parent.parent / "docs" / "conventions.md").read_text(encoding="utf-8")
    assert committed == conventions_markdown(), \
        "docs/conventions.md is stale: python -m genverify.notation_page --markdown > docs/conventions.md"


def test_notation_page_every_formula_is_mathml_carrying_its_tex():
    import html
    import re

    from genverify.notation_page import TITLE, notation_page

    title, body = notation_page()
    assert title == TITLE
    assert "math-fallback" not in body
    annotations = {html.unescape(a) for a in re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>', body)}
    assert annotations == _all_tex()
    assert body.count("<math") == body.count('<annotation encoding="application/x-tex">')
    assert body.count('class="copy-tex"') == 2 * 5  # both notations of each formula


def test_notation_page_structure_and_content():
    import re
    from html.parser import HTMLParser

    from genverify.notation_page import notation_page

    _, body = notation_page()

    class Balance(HTMLParser):
        VOID = {"br", "hr", "img", "meta", "link", "input", "mspace", "none", "mprescripts"}

        def __init__(self):
            super().__init__()
            self.stack = []

        def handle_starttag(self, tag, attrs):
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_startendtag(self, tag, attrs):
            pass

        def handle_endtag(self, tag):
            assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
            self.stack.pop()

    parser = Balance()
    parser.feed(body)
    assert parser.stack == []
    ids = set(re.findall(r'<section id="([^"]+)"', body))
    assert ids == {"symbols", "formulas", "variances", "schedules", "timesteps"}
    assert set(re.findall(r'<a href="#([^"]+)"', body)) == ids
    for text in ("alphas_cumprod[t-1]", "cv.index_of(t, T)", "20, 40, 60, …, 980, 1000", "improved_diffusion_fixed_large"):
        assert text in body


def test_page_math_falls_back_on_tex_it_cannot_convert():
    from genverify.notation_page import math

    out = math(r"\notacommand{x}", "x (plain)")
    assert "math-fallback" in out and "x (plain)" in out and "<math" not in out


def test_notation_page_cli_refuses_unknown_options(capsys):
    from genverify.notation_page import main

    with pytest.raises(SystemExit) as exit_:
        main(["--bogus"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
