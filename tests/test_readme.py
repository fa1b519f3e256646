"""The output blocks of README.md and docs/grading.md are what the commands print today.

``scripts/readme.py`` regenerates them; this test runs it in ``--check`` mode, which compares
modulo wall-clock timings only (see the script's docstring for what is stable and why).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from genverify.cli import _parser
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


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ("genverify",)):
    """``(words, option strings)`` for every leaf subcommand of ``parser``."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        options = {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}
        yield words, options
        return
    for name, sub in subparsers[0].choices.items():
        yield from _commands(sub, (*words, name))


def test_the_readme_synopsis_names_every_command_and_option():
    """The hand-written synopsis under "The command line" lists every subcommand and option."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The command line\n\n```\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    for words, options in _commands(_parser()):
        command = " ".join(words)
        # the command's lines: each line starting with it, and the indented lines continuing it
        own, inside = [], False
        for line in lines:
            inside = line.startswith(command + " ") or (inside and line.startswith(" "))
            if inside:
                own.append(line)
        assert own, f"README's synopsis lacks {command}"
        missing = {o for o in options if not any(o in line for line in own)}
        assert not missing, f"README's synopsis of {command} lacks {sorted(missing)}"
