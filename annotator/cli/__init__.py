"""The command line: thin commands that parse, call one plain function and print (as spaCy's `spacy/cli/`).

One module per command group; each registers its commands on `main` (`app.py`) when imported
here. No SQL here and no top-level import of spaCy or Qt: `export` and `stats` start fast.
"""

from annotator.cli import export, importing, learn, project, review, search, windows  # noqa: F401  (registers the commands)
from annotator.cli.app import main
from annotator.cli.export import export_cmd

__all__ = ["export_cmd", "main"]
