"""The command line: thin commands that parse, call one plain function and print (as spaCy's `spacy/cli/`).

One module per command group (`app.COMMAND_MODULES` names them); each registers its commands on
`main` (`app.py`) when imported, and is imported only when one of its commands runs. No SQL here
and no top-level import of spaCy, numpy or Qt: `--version`, `stats` and `backup` start at once.
"""

from typing import Any

from annotator.cli.app import main

__all__ = ["export_cmd", "main"]


def __getattr__(name: str) -> Any:
    if name == "export_cmd":
        from annotator.cli.export import export_cmd

        return export_cmd
    raise AttributeError(name)
