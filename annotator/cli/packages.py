"""`annotator packages` and `annotator progress`: work packages sent out, and who is where."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.app import main, open_project


def _names(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise click.BadParameter("name at least one annotator, e.g. anna,ben,carol")
    return names


@main.command()
@click.option("--annotators", required=True, callback=_names, help="Who gets a package: anna,ben,carol.")
@click.option("--overlap", "-k", type=int, default=1, show_default=True, help="How many annotators read each article.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed makes the same packages.")
@click.option("--size", type=int, help="Articles per package (default: every article not yet sent out).")
@click.option("--by", "by", metavar="FIELD", help="Share out each value of this metadata field evenly (stratify).")
@click.option("--round", "round_", type=int, help="The round (default: the next). A later round sends unseen articles.")
@click.option("--reviewer", help="With --round 2 or later: who gets the previous round's conflicts to review.")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="An empty (or our) folder."
)
@click.pass_context
def packages(
    ctx: click.Context,
    annotators: list[str],
    overlap: int,
    seed: int,
    size: int | None,
    by: str | None,
    round_: int | None,
    reviewer: str | None,
    out: Path,
) -> None:
    """Split the project's articles among annotators, each article to OVERLAP of them, and write
    one package per annotator (OUT/<name>.annotator.sqlite): her articles, the scheme, her name;
    nothing of anyone's labels. Packages come back with `annotator import OUT/*.annotator.sqlite`."""
    from annotator.packages.assign import AssignmentError
    from annotator.packages.make import make_packages
    from annotator.review.conflicts import conflict_article_ids_among

    with open_project(ctx, write=True) as store:
        try:
            report = make_packages(
                store,
                annotators,
                overlap,
                out,
                seed=seed,
                size=size,
                by=by,
                round_=round_,
                reviewer=reviewer,
                conflicted=conflict_article_ids_among,
            )
        except AssignmentError as exc:
            raise click.ClickException(f"no package was written: {exc}") from exc
    for line in report.lines():
        click.echo(line)
    click.echo(f"back: annotator import {out}/*.annotator.sqlite (each package's labels join the project)")
