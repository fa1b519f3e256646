"""Every subcommand over a table of bad inputs: exit 2, one line on stderr, never a traceback.

The table holds every input issue 10 found crashing the CLI and more.  Paths are templates:
``{tmp}`` is the test's own folder, prepared by ``files`` with a plain file, a directory, a
binary file, invalid UTF-8, a file with a BOM and a file genverify did not write.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from genverify.cli import main

ANSWER = ["--answer", "1"]
VARIANCE = "diffusion.forward_variance"

BAD = {
    # every subcommand: an unknown option, a missing or extra argument
    "no command": [],
    "unknown command": ["frobnicate"],
    "list extra": ["list", "x"],
    "targets unknown target": ["targets", "x"],
    "targets two targets": ["targets", "diffusion.q_sample", "gan.discriminator_loss"],
    "audit extra": ["audit", "--bogus"],
    "serve extra": ["serve", "x"],
    "serve timeout 0": ["serve", "--timeout", "0"],
    "show no id": ["show"],
    "show unknown id": ["show", "gan.nope"],
    "show seed -1": ["show", "gan.optimal_discriminator", "--seed", "-1"],
    "show seed 1.5": ["show", "gan.optimal_discriminator", "--seed", "1.5"],
    "check unknown id": ["check", "no.such.result"],
    "check seed -1": ["check", "--seed", "-1"],
    "check seed abc": ["check", "--seed", "abc"],
    "check profile": ["check", "--profile", "nope"],
    "check abbreviation": ["check", "--profil", "quick"],
    "figures no out": ["figures"],
    "figures seed -1": ["figures", "--out", "{tmp}/figs", "--seed", "-1"],
    "figures out file": ["figures", "--out", "{tmp}/file.txt"],
    "figures out below file": ["figures", "--out", "{tmp}/file.txt/sub"],
    "figures unknown id": ["figures", "--out", "{tmp}/figs", "--only", "nope"],
    "docs no out": ["docs"],
    "docs seed -1": ["docs", "--out", "{tmp}/site", "--seed", "-1"],
    "docs out file": ["docs", "--out", "{tmp}/file.txt"],
    "docs out below file": ["docs", "--out", "{tmp}/file.txt/a/b"],
    "docs out in /proc": ["docs", "--out", "/proc/genverify-site"],
    "grade no target": ["grade", *ANSWER],
    "grade unknown target": ["grade", "diffusion.nope", *ANSWER],
    "grade no answer": ["grade", VARIANCE],
    "grade two sources": ["grade", VARIANCE, *ANSWER, "--answer-file", "{tmp}/file.txt"],
    "grade timeout inf": ["grade", VARIANCE, *ANSWER, "--timeout", "inf"],
    "grade timeout nan": ["grade", VARIANCE, *ANSWER, "--timeout", "nan"],
    "grade timeout 1e300": ["grade", VARIANCE, *ANSWER, "--timeout", "1e300"],
    "grade timeout 0": ["grade", VARIANCE, *ANSWER, "--timeout", "0"],
    "grade timeout -1": ["grade", VARIANCE, *ANSWER, "--timeout", "-1"],
    "grade timeout abc": ["grade", VARIANCE, *ANSWER, "--timeout", "abc"],
    "grade format": ["grade", VARIANCE, *ANSWER, "--format", "pdf"],
    "grade answer file missing": ["grade", VARIANCE, "--answer-file", "{tmp}/missing.tex"],
    "grade answer file directory": ["grade", VARIANCE, "--answer-file", "{tmp}/dir"],
    "grade answer file not UTF-8": ["grade", VARIANCE, "--answer-file", "{tmp}/latin1.txt"],
    "grade credit file not JSON": ["grade", VARIANCE, *ANSWER, "--credit-file", "{tmp}/file.txt"],
    "grade credit file a list": ["grade", VARIANCE, *ANSWER, "--credit-file", "{tmp}/list.json"],
    "grade credit out of range": ["grade", VARIANCE, *ANSWER, "--credit-file", "{tmp}/credit2.json"],
    "grade out without batch": ["grade", VARIANCE, *ANSWER, "--out", "{tmp}/out.jsonl"],
    "grade resume without batch": ["grade", VARIANCE, *ANSWER, "--resume"],
    "batch missing": ["grade", "--batch", "{tmp}/missing.jsonl"],
    "batch directory": ["grade", "--batch", "{tmp}/dir"],
    "batch binary": ["grade", "--batch", "{tmp}/binary.bin"],
    "batch with target": ["grade", VARIANCE, "--batch", "{tmp}/in.jsonl"],
    "batch gradescope": ["grade", "--batch", "{tmp}/in.jsonl", "--format", "gradescope"],
    "batch resume without out": ["grade", "--batch", "{tmp}/in.jsonl", "--resume"],
    "batch out directory": ["grade", "--batch", "{tmp}/in.jsonl", "--out", "{tmp}/dir"],
    "batch out is input": ["grade", "--batch", "{tmp}/in.jsonl", "--out", "{tmp}/in.jsonl"],
    "batch out is input (hard link)": ["grade", "--batch", "{tmp}/in.jsonl", "--out", "{tmp}/in-link.jsonl"],
    "batch out below file": ["grade", "--batch", "{tmp}/in.jsonl", "--out", "{tmp}/file.txt/out.jsonl"],
    "batch resume foreign file": ["grade", "--batch", "{tmp}/in.jsonl", "--out", "{tmp}/file.txt", "--resume"],
    "batch timeout inf": ["grade", "--batch", "{tmp}/in.jsonl", "--timeout", "inf"],
    "steps no file": ["grade-steps", VARIANCE],
    "steps missing file": ["grade-steps", VARIANCE, "--file", "{tmp}/missing.tex"],
    "steps directory": ["grade-steps", VARIANCE, "--file", "{tmp}/dir"],
    "steps not UTF-8": ["grade-steps", VARIANCE, "--file", "{tmp}/latin1.txt"],
    "steps unknown target": ["grade-steps", "nope", "--file", "{tmp}/file.txt"],
    "steps timeout 0": ["grade-steps", VARIANCE, "--file", "{tmp}/file.txt", "--timeout", "0"],
    "serve extra": ["serve", "x"],
    "serve timeout 0": ["serve", "--timeout", "0"],
    "serve timeout inf": ["serve", "--timeout", "inf"],
    "code missing file": ["grade-code", "gan.optimal_discriminator", "{tmp}/missing.py"],
    "code directory": ["grade-code", "gan.optimal_discriminator", "{tmp}/dir"],
    "code FIFO": ["grade-code", "gan.optimal_discriminator", "{tmp}/fifo"],
    "code device": ["grade-code", "gan.optimal_discriminator", "/dev/zero"],
    "code unknown target": ["grade-code", "gan.nope", "{tmp}/file.txt"],
    "code format": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--format", "pdf"],
    "autograder no platform": ["autograder"],
    "autograder no out": ["autograder", "gradescope", "{tmp}/list.json"],
    "autograder spec missing": ["autograder", "gradescope", "{tmp}/missing.toml", "--out", "{tmp}/bundle"],
    "autograder spec a list": ["autograder", "prairielearn", "{tmp}/list.json", "--out", "{tmp}/bundle"],
    "autograder spec not toml or json": ["autograder", "gradescope", "{tmp}/latin1.txt", "--out", "{tmp}/bundle"],
    "autograder run unknown platform": ["autograder", "run", "moodle"],
    "autograder run outside a container": ["autograder", "run", "gradescope"],
    "code cpu 0": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--cpu-seconds", "0"],
    "code cpu 1.5": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--cpu-seconds", "1.5"],
    "code cpu 1e9": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--cpu-seconds", "1e9"],
    "code memory 1": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--memory-mb", "1"],
    "code memory -5": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--memory-mb", "-5"],
    "code memory abc": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--memory-mb", "abc"],
    "code wall nan": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--wall-seconds", "nan"],
    "code wall inf": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--wall-seconds", "inf"],
    "code wall 0": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--wall-seconds", "0"],
    "code tmp 0": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--tmp-mb", "0"],
    "code tmp 1e6": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--tmp-mb", "1000000"],
    "code python missing": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--python", "{tmp}/missing"],
    "code python directory": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--python", "{tmp}/dir"],
    "code python not python": ["grade-code", "gan.optimal_discriminator", "{tmp}/file.txt", "--python", "/bin/true"],
}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "file.txt").write_text("not genverify's\n", encoding="utf-8")
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)))
    (tmp_path / "latin1.txt").write_bytes("1-\\bar\\beta_t é".encode("latin-1"))
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "credit2.json").write_text('{"%s": {"t-1 for t": 2}}' % VARIANCE, encoding="utf-8")
    (tmp_path / "in.jsonl").write_text('{"id": 1, "target": "%s", "answer": "1"}\n' % VARIANCE, encoding="utf-8")
    (tmp_path / "in-link.jsonl").hardlink_to(tmp_path / "in.jsonl")
    return tmp_path


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_exits_2_with_one_line(name, files, capsys):
    argv = [a.replace("{tmp}", str(files)) for a in BAD[name]]
    before = (files / "in.jsonl").read_bytes(), (files / "file.txt").read_bytes()
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, f"{name}: exit {code}, stderr {err!r}"
    assert err.count("\n") == 1 and err.startswith("genverify: error: "), f"{name}: stderr {err!r}"
    assert "Traceback" not in err and out == "", name
    # A refused command leaves the input and a foreign --out as they were.
    assert ((files / "in.jsonl").read_bytes(), (files / "file.txt").read_bytes()) == before, name


@pytest.mark.parametrize("name", ["grade timeout 1e300", "batch binary", "docs out below file", "show seed -1"])
def test_the_console_script_prints_no_traceback(name, files):
    argv = [a.replace("{tmp}", str(files)) for a in BAD[name]]
    done = subprocess.run([sys.executable, "-m", "genverify", *argv], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


def test_the_fuzz_check_fails_on_a_traceback(files, capsys, monkeypatch):
    """The assertions above can fail: a command that raises is not taken for a clean exit 2."""
    import genverify.commands.grading as grading

    def crash(args):
        raise OverflowError("int too large to convert to float")

    monkeypatch.setattr(grading, "grade", crash)
    with pytest.raises(OverflowError):
        main(["grade", VARIANCE, *ANSWER])


NESTED_POWER = "e^{e^{e^{e^{10}}}}"


def test_a_tower_of_powers_gets_a_verdict_not_a_traceback(files, capsys):
    """Issue 10's 18-character answer: a verdict (exit 1) from grade and grade-steps."""
    assert main(["grade", VARIANCE, "--answer", NESTED_POWER]) == 1
    (files / "chain.tex").write_text(f"{NESTED_POWER} = 1-\\bar\\beta_t", encoding="utf-8")
    assert main(["grade-steps", VARIANCE, "--file", str(files / "chain.tex")]) == 1
    _, err = capsys.readouterr()
    assert "Traceback" not in err


def test_the_table_covers_every_subcommand():
    """A new subcommand needs rows here: the table is only as good as its coverage."""
    from genverify.cli import _parser

    (commands,) = [a.choices for a in _parser()._actions if a.dest == "command"]
    assert set(commands) <= {argv[0] for argv in BAD.values() if argv}
