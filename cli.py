"""Run the symsoft CLI from a checkout: ``python cli.py verify --n 4``."""

from symsoft.cli import main

if __name__ == "__main__":
    main()
