"""Deciding identities: exact equality on the simplex for fixed n, and the symbolic-n engine."""
