"""``symsoft verify``: the Jacobian checked by named checks for fixed n, and proven for every n."""
