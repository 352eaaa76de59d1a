# The files here are user code under test, loaded by tests/test_implcheck.py through
# symsoft.impl.loader; they are not test modules, and some import torch, so pytest must not collect them.
collect_ignore_glob = ["*.py"]
