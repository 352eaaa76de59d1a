"""``symsoft derive``: derivations whose every step is proven as it is generated, and their text."""
