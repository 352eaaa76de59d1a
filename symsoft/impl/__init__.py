"""``symsoft check-impl``: running a person's implementation against the symbolic truth."""
