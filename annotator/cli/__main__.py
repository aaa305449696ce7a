"""`python -m annotator.cli` runs the command line, as `python -m annotator` does."""

from annotator.cli import main

main(prog_name="annotator")
