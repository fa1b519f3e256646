"""The assignment spec: which file each question reads, how it is graded and what it is worth.

A spec is a TOML or JSON file (docs/autograder.md has a full example)::

    title = "Homework 3"

    [settings]
    timeout = 5              # seconds per symbolic answer or derivation
    accept_numeric = false   # agreement at every random point without a proof is correct
    sandbox = "bubblewrap"   # or "container": the platform's container is the only isolation
    visibility = "visible"   # Gradescope's test visibility
    job_timeout = 120        # PrairieLearn's externalGradingOptions.timeout, seconds
    submission_packages = ["torch==2.13.0+cpu"]   # what submitted code may import besides NumPy
    submission_index = "https://download.pytorch.org/whl/cpu"   # an extra package index for them

    [settings.code_limits]   # what one submitted function may use (grade-code's sandbox)
    seconds = 10             # wall clock per request to the submission's process
    cpu_seconds = 10
    memory_mb = 1024

    [[questions]]
    name = "posterior_mean"  # letters, digits, "_" and "-": also a PrairieLearn directory name
    kind = "symbolic"        # symbolic (grade), steps (grade-steps) or code (grade-code)
    target = "diffusion.posterior_mean"
    file = "posterior_mean.tex"
    points = 2
    # A code question may add regime_weights = {"T = 1" = 0.5, ...} (grade-code's --regime-weights).

Every key is checked; a bad spec raises :class:`SpecError` with one line naming the key and
what was expected.  :func:`to_json` writes the spec with every default filled in, which
:func:`parse_spec` reads back to the same :class:`Assignment` (the bundles carry that form).
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass

from genverify.grading.names import CODE_TARGETS, SYMBOLIC_TARGETS

KINDS = ("symbolic", "steps", "code")
#: "bubblewrap": grade-code's bubblewrap + seccomp sandbox, and no grading where it cannot be
#: built; "container": the platform's per-submission container is the isolation (docs/sandbox.md).
SANDBOX_MODES = ("bubblewrap", "container")
#: Gradescope's visibility values (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
#: PrairieLearn's externalGradingOptions.timeout may not exceed 600 s.
MAX_JOB_TIMEOUT = 600
MAX_TIMEOUT = 3600.0
MAX_POINTS = 1000.0

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: A plain file name: no directories (the file sits in the submission folder), no leading dot.
_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: A requirement pip reads as a package (name, extras, version clauses): no URL, path or option,
#: so a spec cannot make the image build run anything but a package install.
_CLAUSE = r"(?:==|>=|<=|~=|!=|>|<)[A-Za-z0-9.*+!_-]+"
_REQUIREMENT = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._,-]+\])?(?:{_CLAUSE}(?:,{_CLAUSE})*)?")
_INDEX = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/-]*)?")
MAX_PACKAGES = 20


class SpecError(ValueError):
    """The spec is unreadable or breaks a rule; the message is one line naming the key."""


@dataclass(frozen=True)
class Question:
    name: str
    kind: str
    target: str
    file: str
    points: float
    #: Code questions: the weight of each regime in the score (grade-code's --regime-weights).
    regime_weights: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class CodeLimits:
    seconds: float = 10.0
    cpu_seconds: int = 10
    memory_mb: int = 1024


@dataclass(frozen=True)
class Settings:
    timeout: float = 5.0
    accept_numeric: bool = False
    sandbox: str = "bubblewrap"
    visibility: str = "visible"
    job_timeout: int = 120
    code_limits: CodeLimits = CodeLimits()
    #: Installed into the submissions' environment beside NumPy (e.g. the CPU torch wheel).
    submission_packages: tuple[str, ...] = ()
    #: An extra index pip reads those packages from ("" for PyPI alone).
    submission_index: str = ""


@dataclass(frozen=True)
class Assignment:
    title: str
    settings: Settings
    questions: tuple[Question, ...]

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def has_code(self) -> bool:
        return any(q.kind == "code" for q in self.questions)


def load_spec(path: str) -> Assignment:
    """Read and check the spec at ``path`` (``.toml`` or ``.json``)."""
    if not path.endswith((".toml", ".json")):
        raise SpecError(f"{path}: a spec is a .toml or .json file")
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError(f"{path} is not UTF-8 text") from None
    if path.endswith(".toml"):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(f"{path} is not TOML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"{path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_spec(data, path)


def parse_spec(data, where: str = "spec") -> Assignment:
    """The :class:`Assignment` that ``data`` (parsed TOML or JSON) describes."""
    _keys(data, where, required=("questions",), optional=("title", "settings"))
    title = _string(data.get("title", "genverify assignment"), f"{where}: title")
    settings = _settings(data.get("settings", {}), f"{where}: settings")
    questions = data["questions"]
    if not isinstance(questions, list) or not questions:
        raise SpecError(f"{where}: questions must be a non-empty list of tables")
    parsed = tuple(_question(q, f"{where}: questions[{i}]") for i, q in enumerate(questions))
    names = [q.name for q in parsed]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SpecError(f"{where}: question names must be unique; repeated: {', '.join(duplicates)}")
    # One file read two ways would grade one upload as LaTeX and as Python: a spec mistake.
    kinds = {}
    for q in parsed:
        if kinds.setdefault(q.file, q.kind) != q.kind:
            raise SpecError(f"{where}: file {q.file!r} is read by a {kinds[q.file]} and a {q.kind} question")
    return Assignment(title, settings, parsed)


def to_json(assignment: Assignment) -> str:
    """The spec with every default written out (what a bundle carries)."""
    s = assignment.settings
    data = {"title": assignment.title,
            "settings": {"timeout": s.timeout, "accept_numeric": s.accept_numeric, "sandbox": s.sandbox,
                         "visibility": s.visibility, "job_timeout": s.job_timeout,
                         "code_limits": {"seconds": s.code_limits.seconds,
                                         "cpu_seconds": s.code_limits.cpu_seconds,
                                         "memory_mb": s.code_limits.memory_mb},
                         "submission_packages": list(s.submission_packages),
                         "submission_index": s.submission_index},
            "questions": [_question_json(q) for q in assignment.questions]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _question_json(question: Question) -> dict:
    data = {"name": question.name, "kind": question.kind, "target": question.target,
            "file": question.file, "points": question.points}
    if question.regime_weights:
        data["regime_weights"] = dict(question.regime_weights)
    return data


def _keys(data, where: str, *, required=(), optional=()) -> None:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected a table (a JSON object)")
    missing = [k for k in required if k not in data]
    if missing:
        raise SpecError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(str(k) for k in data if k not in required and k not in optional)
    if unknown:
        raise SpecError(f"{where}: unknown key {unknown[0]!r}; expected {', '.join((*required, *optional))}")


def _string(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise SpecError(f"{where}: expected a non-empty string of at most 200 characters")
    return value


def _number(value, where: str, low: float, high: float, *, integer: bool = False) -> float:
    # bool is an int subclass: `points = true` is a mistake, not 1 point.
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value) \
            or not low < value <= high:
        what = "a whole number" if integer else "a number"
        raise SpecError(f"{where}: expected {what} in ({low:g}, {high:g}], got {value!r}")
    return value if integer else float(value)


def _choice(value, where: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SpecError(f"{where}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def _settings(data, where: str) -> Settings:
    _keys(data, where, optional=("timeout", "accept_numeric", "sandbox", "visibility", "job_timeout",
                                 "code_limits", "submission_packages", "submission_index"))
    default = Settings()
    accept = data.get("accept_numeric", default.accept_numeric)
    if not isinstance(accept, bool):
        raise SpecError(f"{where}: accept_numeric: expected true or false, got {accept!r}")
    return Settings(
        timeout=_number(data.get("timeout", default.timeout), f"{where}: timeout", 0, MAX_TIMEOUT),
        accept_numeric=accept,
        sandbox=_choice(data.get("sandbox", default.sandbox), f"{where}: sandbox", SANDBOX_MODES),
        visibility=_choice(data.get("visibility", default.visibility), f"{where}: visibility", VISIBILITIES),
        job_timeout=_number(data.get("job_timeout", default.job_timeout), f"{where}: job_timeout", 0,
                            MAX_JOB_TIMEOUT, integer=True),
        code_limits=_code_limits(data.get("code_limits", {}), f"{where}: code_limits"),
        submission_packages=_packages(data.get("submission_packages", []), f"{where}: submission_packages"),
        submission_index=_index(data.get("submission_index", ""), f"{where}: submission_index"))


def _packages(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_PACKAGES:
        raise SpecError(f"{where}: expected a list of at most {MAX_PACKAGES} requirements")
    for requirement in value:
        if not isinstance(requirement, str) or len(requirement) > 100 \
                or not _REQUIREMENT.fullmatch(requirement):
            raise SpecError(f"{where}: {requirement!r} is not a package requirement such as "
                            f"'torch==2.13.0+cpu' (no URLs, paths, options or spaces)")
    return tuple(value)


def _index(value, where: str) -> str:
    if value != "" and not (isinstance(value, str) and len(value) <= 200 and _INDEX.fullmatch(value)):
        raise SpecError(f"{where}: expected an https:// package index URL, got {value!r}")
    return value


def _code_limits(data, where: str) -> CodeLimits:
    _keys(data, where, optional=("seconds", "cpu_seconds", "memory_mb"))
    default = CodeLimits()
    return CodeLimits(
        seconds=_number(data.get("seconds", default.seconds), f"{where}: seconds", 0, MAX_TIMEOUT),
        cpu_seconds=_number(data.get("cpu_seconds", default.cpu_seconds), f"{where}: cpu_seconds", 0,
                            int(MAX_TIMEOUT), integer=True),
        # 64 MiB is below what the interpreter and NumPy need to start at all.
        memory_mb=_number(data.get("memory_mb", default.memory_mb), f"{where}: memory_mb", 63, 1 << 20,
                          integer=True))


def _question(data, where: str) -> Question:
    _keys(data, where, required=("name", "kind", "target", "file", "points"), optional=("regime_weights",))
    name = data["name"]
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise SpecError(f"{where}: name: expected 1-64 letters, digits, '_' or '-' (starting with a "
                        f"letter or digit), got {name!r}")
    where = f"{where} ({name})"
    kind = _choice(data["kind"], f"{where}: kind", KINDS)
    targets = CODE_TARGETS if kind == "code" else SYMBOLIC_TARGETS
    target = _choice(data["target"], f"{where}: target", targets)
    file = data["file"]
    if not isinstance(file, str) or not _FILE.fullmatch(file) or ".." in file:
        raise SpecError(f"{where}: file: expected a plain file name (letters, digits, '.', '_', '-'; no "
                        f"directories), got {file!r}")
    if kind == "code" and not file.endswith(".py"):
        raise SpecError(f"{where}: file: a code question reads a .py file, got {file!r}")
    points = _number(data["points"], f"{where}: points", 0, MAX_POINTS)
    return Question(name, kind, target, file, points, _regime_weights(data, kind, where))


def _regime_weights(data: dict, kind: str, where: str) -> tuple[tuple[str, float], ...]:
    if "regime_weights" not in data:
        return ()
    if kind != "code":
        raise SpecError(f"{where}: regime_weights: only a code question has regimes")
    from genverify.grading.code import check_weights

    try:
        return tuple(check_weights(data["regime_weights"]).items())
    except ValueError as exc:
        raise SpecError(f"{where}: regime_weights: {exc}") from None
