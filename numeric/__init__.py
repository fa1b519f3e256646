"""NumPy reference implementations on small problems (float64, explicit ``np.random.Generator``)."""
