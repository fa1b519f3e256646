"""The docs' figures: records well formed, cheap figures drawn and written, captions filled with
what the drawing measured, the DDPM frames and trajectories showing what their captions say, one
inpainting formula, the CLI's ``figures`` command.

The cheap figures are checked one by one; ``test_every_figure_builds`` draws the whole set
(GAN training, a 1000-step DDPM: ~20 s here) on every run.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure as MplFigure

from genverify.cli import main
from genverify.figures import BY_ID, FIGURES, Figure, build_figures, select
from genverify.plots import MODE_COLOURS, Drawing, nearest_mode
from genverify.plots_diffusion import FRAME_TIMES, SCHEDULE, T, ddpm_run
from genverify.registry import BY_ID as RESULTS_BY_ID

CHEAP = ("noise_schedules", "vanishing_gradient", "dirac_gan")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 300_000


def _check_png(path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, path
    assert 0 < len(data) < MAX_PNG_BYTES, (path, len(data))


def test_every_figure_has_a_unique_id_a_caption_and_a_known_result():
    ids = [f.id for f in FIGURES]
    assert len(ids) == len(set(ids)), ids
    for figure in FIGURES:
        assert figure.title and figure.caption.strip() and figure.what_to_see.strip(), figure.id
        assert figure.result_id is None or figure.result_id in RESULTS_BY_ID, (figure.id, figure.result_id)
        assert callable(figure.make), figure.id


def test_the_homework_figures_are_all_there():
    homework = {"gan_samples", "score_field", "ddpm_t1000", "ddpm_final", "trajectories"}
    assert homework <= set(BY_ID)
    assert sum(i.startswith("ddpm_t") for i in BY_ID) >= 5


def test_the_ddpm_frames_are_spaced_by_signal_to_noise_not_by_steps():
    """Equal steps of the linear schedule look alike (SNR(600) ≈ 0.03): the intermediate frames
    sit where the SNR grows geometrically, each at least twice the one before."""
    assert FRAME_TIMES[0] == T and FRAME_TIMES[-1] == 0
    snrs = [SCHEDULE.snr[t - 1] for t in FRAME_TIMES[1:-1]]
    assert all(later >= 2 * earlier for earlier, later in zip(snrs, snrs[1:])), snrs
    assert snrs[0] >= 1.0


@pytest.mark.parametrize("figure_id", CHEAP)
def test_a_cheap_figure_has_a_title_and_labelled_axes(figure_id):
    drawn = BY_ID[figure_id].make(np.random.default_rng(0)).figure
    assert isinstance(drawn, MplFigure)
    plots = [ax for ax in drawn.axes if ax.get_label() != "<colorbar>"]
    assert plots, figure_id
    assert any(ax.get_title() for ax in plots) or drawn.get_suptitle(), figure_id
    for ax in plots:
        assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), (figure_id, ax.get_title())


def test_build_figures_writes_small_pngs(tmp_path):
    written = build_figures(tmp_path / "figs", seed=1, progress=False, only=CHEAP[:2])
    assert [f.id for f, _ in written] == list(CHEAP[:2])
    for figure, path in written:
        assert path == tmp_path / "figs" / f"{figure.id}.png"
        _check_png(path)


def test_the_ddpm_frames_share_one_run_and_its_axis_limits():
    rng_seed = 5
    frames = [BY_ID[i].make(np.random.default_rng(rng_seed)).figure for i in ("ddpm_t1000", "ddpm_final")]
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in (f.axes[0] for f in frames)]
    assert limits[0] == limits[1]
    # Same seed, same run: frame 0 shows x_T ~ N(0, I), the final frame the ring of radius 2.
    points = [f.axes[0].collections[0].get_offsets() for f in frames]
    assert abs(np.mean(np.linalg.norm(points[1], axis=1)) - 2.0) < 0.1
    assert np.mean(np.linalg.norm(points[0], axis=1)) < 1.6  # E‖N(0, I_2)‖ = √(π/2) ≈ 1.25


def test_a_frame_caption_quotes_the_frame_it_captions():
    """The "what to see" of a DDPM frame is measured on that frame: the final frame covers all
    8 modes with nearly every particle on a mode, the noise frame covers none."""
    final = BY_ID["ddpm_final"].make(np.random.default_rng(0))
    noise = BY_ID["ddpm_t1000"].make(np.random.default_rng(0))
    assert final.facts["modes"] == "8" and int(final.facts["hq"].rstrip("%")) >= 95
    assert noise.facts["modes"] == "0" and int(noise.facts["hq"].rstrip("%")) <= 5
    described = BY_ID["ddpm_final"].described(final.facts).what_to_see
    assert "$" not in described and "8 of 8 modes" in described


def test_an_unfilled_caption_placeholder_stays_visible():
    """The check in ``test_every_figure_builds`` (no ``$`` left) can fail: a placeholder the
    drawing did not measure is left as it is."""
    figure = Figure("x", "t", "caption $measured", "see $other", None, lambda rng: Drawing(None, {}))
    described = figure.described({"measured": "42"})
    assert described.caption == "caption 42" and "$other" in described.what_to_see


def test_trajectories_are_few_and_coloured_by_their_destination_mode():
    drawing = BY_ID["trajectories"].make(np.random.default_rng(0))
    paths = ddpm_run(np.random.default_rng(0)).trajectories
    left = drawing.figure.axes[0]
    ends = [line for line in left.get_lines() if line.get_marker() == "s"]
    starts = [line for line in left.get_lines() if line.get_marker() == "o"]
    assert 2 <= len(ends) == len(starts) <= 6
    assert all(line.get_markersize() >= 10 for line in starts), "start markers must be visible"
    for end in ends:
        point = np.array([[end.get_xdata()[0], end.get_ydata()[0]]])
        mode, _ = nearest_mode(point)
        assert end.get_color() == MODE_COLOURS[mode[0]]
    destinations = {int(nearest_mode(paths[-1, [i]])[0][0]) for i in range(paths.shape[1])}
    assert int(drawing.facts["modes"]) == min(len(destinations), len(ends))


def test_the_inpainting_figure_uses_the_results_formula():
    """One formula: the figure's score term is the result's −2 (x − x_known) ⊙ M, scaled by λ."""
    statement = RESULTS_BY_ID["diffusion.conditional_score"].derivation().statement
    assert "s_θ(x) - 2 (x - x_known) ⊙ M" in statement
    figure = BY_ID["inpainting"]
    assert "s(x) − 2 (x − x_known) ⊙ M at λ = 1" in figure.caption
    drawing = figure.make(np.random.default_rng(0))
    title = drawing.figure.get_suptitle()
    assert r"s(x) - 2\lambda\,(x - x_{known}) \odot M" in title
    assert r"/ \sigma^2" not in title


def test_select_rejects_an_unknown_id():
    with pytest.raises(KeyError, match="unknown figure id 'nope'"):
        select(["nope"])


def test_cli_figures_writes_the_named_figures(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["figures", "--out", str(out), "--seed", "2", "--only", *CHEAP[:2]])
    printed, err = capsys.readouterr()
    assert code == 0, err
    lines = printed.splitlines()
    assert len(lines) == 2
    for figure_id, line in zip(CHEAP, lines):
        assert line.startswith(str(out / f"{figure_id}.png"))
        _check_png(out / f"{figure_id}.png")


@pytest.mark.parametrize("argv", [["--out", "{file}"], ["--out", "{dir}", "--only", "nope"], []])
def test_cli_figures_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv):
    existing = tmp_path / "a_file.txt"
    existing.write_text("not a directory")
    argv = [a.format(file=existing, dir=tmp_path / "d") for a in argv]
    code = main(["figures", *argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("genverify: error:") and len(err.strip().splitlines()) == 1, err
    assert existing.read_text() == "not a directory"


def test_every_figure_builds(tmp_path):
    written = build_figures(tmp_path, seed=0, progress=False)
    assert [f.id for f, _ in written] == [f.id for f in FIGURES]
    for figure, path in written:
        _check_png(path)
        assert "$" not in figure.caption + figure.what_to_see, f"{figure.id}: a caption placeholder was not measured"
