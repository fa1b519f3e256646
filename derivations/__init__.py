"""SymPy derivations: the proof engine and one module per result."""
