"""The docs' figures: records well formed, cheap figures drawn and written, the CLI's ``figures`` command.

The cheap figures are checked one by one; ``test_every_figure_builds`` draws the whole set
(GAN training, a 1000-step DDPM: ~12 s here) on every run.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure as MplFigure

from genverify.cli import main
from genverify.figures import BY_ID, FIGURES, build_figures, select
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
    homework = {"gan_samples", "score_field", "ddpm_step_0", "ddpm_step_200", "ddpm_step_400", "ddpm_step_600",
                "ddpm_step_800", "ddpm_final", "trajectories"}
    assert homework <= set(BY_ID)


@pytest.mark.parametrize("figure_id", CHEAP)
def test_a_cheap_figure_has_a_title_and_labelled_axes(figure_id):
    drawn = BY_ID[figure_id].make(np.random.default_rng(0))
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
    frames = [BY_ID[i].make(np.random.default_rng(rng_seed)) for i in ("ddpm_step_0", "ddpm_final")]
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in (f.axes[0] for f in frames)]
    assert limits[0] == limits[1]
    # Same seed, same run: frame 0 shows x_T ~ N(0, I), the final frame the ring of radius 2.
    points = [f.axes[0].collections[0].get_offsets() for f in frames]
    assert abs(np.mean(np.linalg.norm(points[1], axis=1)) - 2.0) < 0.1
    assert np.mean(np.linalg.norm(points[0], axis=1)) < 1.6  # E‖N(0, I_2)‖ = √(π/2) ≈ 1.25


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
    for _, path in written:
        _check_png(path)
