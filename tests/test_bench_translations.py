"""The naive baseline of ``benchmarks/bench_grade.py`` has a hand translation for every answer it grades.

``run_baseline`` looks up ``TRANSLATIONS[row["key"]]`` and ``REFERENCES[row["target"]]`` for each row
of ``build_corpus`` (a wrapped answer's key is the answer it wraps, a re-typed variant's its
original's): a corpus that grows without its translations crashes the benchmark with a KeyError.
Every translation and reference is SymPy input, so each must parse, but for the one that stands
for an answer no CAS input box accepts (an equation, which the baseline marks invalid).
"""

import pytest
from sympy.parsing.sympy_parser import parse_expr

from benchmarks.bench_grade import build_corpus
from benchmarks.grade_baseline_translations import REFERENCES, TRANSLATIONS
from tests.grading_corpus import INVALID

#: Translations of invalid answers that are meant not to parse: the baseline's parse failure is
#: its "invalid" verdict.
UNPARSEABLE = {"p_r/(p_r + p_g) = 1/(1 + p_g/p_r)"}

CORPUS_ROWS = build_corpus(quick=False)


def test_every_row_the_baseline_grades_has_a_translation():
    missing = sorted({(row["target"], row["key"]) for row in CORPUS_ROWS if row["key"] not in TRANSLATIONS})
    assert not missing, f"{len(missing)} answers lack a translation: {missing[:5]}"


def test_every_target_of_the_corpus_has_a_reference():
    assert {row["target"] for row in CORPUS_ROWS} <= set(REFERENCES)


def test_the_quick_corpus_is_covered_too():
    assert all(row["key"] in TRANSLATIONS and row["target"] in REFERENCES for row in build_corpus(quick=True))


@pytest.mark.parametrize("table", [TRANSLATIONS, REFERENCES], ids=["translations", "references"])
def test_every_translation_and_reference_parses(table):
    failures = []
    for key, text in table.items():
        if text in UNPARSEABLE:
            continue
        try:
            parse_expr(text)
        except Exception as error:  # noqa: BLE001 -- any failure is a typo in the table
            failures.append((key, text, f"{type(error).__name__}: {error}"))
    assert not failures, failures


def test_only_invalid_answers_fail_to_parse():
    for text in UNPARSEABLE:
        rows = [row for row in CORPUS_ROWS if TRANSLATIONS.get(row["key"]) == text]
        assert rows and all(row["verdict"] == INVALID for row in rows), text
        with pytest.raises(SyntaxError):
            parse_expr(text)
