"""``symsoft check``: reading a person's derivation and deciding each of its steps."""
