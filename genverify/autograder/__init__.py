"""Autograders for learning platforms: one assignment spec, two bundles.

``genverify autograder gradescope SPEC --out DIR`` writes a Gradescope autograder and
``genverify autograder prairielearn SPEC --out DIR`` a PrairieLearn external-grader set-up; inside
the platform's container, ``genverify autograder run PLATFORM`` grades one submission and writes the
platform's ``results.json``.  :mod:`.spec` reads the assignment, :mod:`.grader` grades one question,
:mod:`.wheel` builds the genverify wheel a bundle installs, :mod:`.bundle` holds what both
bundles share (entrypoint scripts, writing ``results.json``), and :mod:`.gradescope` and
:mod:`.prairielearn` know each platform's files.  docs/autograder.md says how to use them.
"""
