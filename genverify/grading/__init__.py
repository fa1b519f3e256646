"""The grading oracle: symbolic answers, step-by-step derivations and Python functions."""
