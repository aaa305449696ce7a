"""`python -m benchmarks` (what `make bench` runs): every suite, or those named, as a table or JSON."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from benchmarks import run_suites, table


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--quick", is_flag=True, help="Smaller data sets, for a quick look.")
@click.option("--suite", "suites", multiple=True, help="Run only this suite (repeatable).")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), help="Keep generated data here.")
def main(as_json: bool, quick: bool, suites: tuple[str, ...], workdir: Path | None) -> None:
    """Benchmarks against bare baselines measured in the same run (generates its own data)."""
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        results = run_suites(workdir or Path(tmp), list(suites) or None, quick)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        click.echo(table(results, list(suites)))


if __name__ == "__main__":
    main()
