"""The output blocks of README.md and docs/grading.md are what the commands print today.

``scripts/readme.py`` regenerates them; this test runs it in ``--check`` mode, which compares
modulo wall-clock timings only (see the script's docstring for what is stable and why).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts.readme import Runner, normalise, regenerate

ROOT = Path(__file__).resolve().parent.parent


def test_the_documents_output_blocks_match_real_runs():
    done = subprocess.run([sys.executable, "scripts/readme.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_a_stale_block_is_drift_and_a_timing_is_not(tmp_path):
    stale = "Results:\n\n<!-- output of: genverify list -->\n```\ngan.optimal_discriminator  1.1  old title\n```\n"
    fresh = regenerate(stale, Runner(tmp_path))
    assert "Optimal discriminator for a fixed generator" in fresh and "old title" not in fresh
    assert normalise(fresh) != normalise(stale)
    assert regenerate(fresh, Runner(tmp_path)) == fresh  # re-runnable: a second pass changes nothing
    assert normalise("proved (0.29 s) in 6.9 s") == normalise("proved (1.30 s) in 12 s")
    assert normalise('{"seconds": 0.0847}') == normalise('{"seconds": 1.2e-05}')
    table = "gan.optimal_discriminator      proved       6/6   0.30  D*(x) = ..."
    assert normalise(table) == normalise(table.replace("0.30", "1.25"))
    assert normalise(table) != normalise(table.replace("6/6", "5/6"))


def test_file_blocks_feed_later_commands(tmp_path):
    text = ("<!-- file: a.tex -->\n```\n1-\\bar\\beta_t\n```\n\n"
            "<!-- transcript of: genverify grade diffusion.forward_variance --answer-file a.tex; echo $? -->\n```\n```\n")
    out = regenerate(text, Runner(tmp_path))
    assert "$ genverify grade diffusion.forward_variance --answer-file a.tex\ndiffusion.forward_variance: correct" in out
    assert out.rstrip().endswith("$ echo $?\n0\n```")
