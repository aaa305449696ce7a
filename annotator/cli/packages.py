"""`annotator packages` and `annotator progress`: work packages sent out, and who is where."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.app import NameRefused, echo, echo_json, main, open_project, path_shown


def _names(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise click.BadParameter("name at least one annotator, e.g. anna,ben,carol")
    for name in names:
        _refuse_name(name)
    return names


def _reviewer(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        _refuse_name(value.strip())
    return value


def _refuse_name(name: str) -> None:
    """`NameRefused` (exit 2, before the project opens) for a name no person may have or no package
    file may be named by; what only the project can tell (a round made before) stays exit 1."""
    from annotator.packages.make import package_name_problem

    if why := package_name_problem(name):
        raise NameRefused(f"no package was written: {why}")


@main.command()
@click.option("--annotators", required=True, callback=_names, help="Who gets a package: anna,ben,carol.")
@click.option("--overlap", "-k", type=int, default=1, show_default=True, help="How many annotators read each article.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed makes the same packages.")
@click.option("--size", type=int, help="Articles per package (default: every article not yet sent out).")
@click.option("--by", "by", metavar="FIELD", help="Share out each value of this metadata field evenly (stratify).")
@click.option("--round", "round_", type=int, help="The round (default: the next). A later round sends unseen articles.")
@click.option(
    "--reviewer", callback=_reviewer, help="With --round 2 or later: who gets the previous round's conflicts to review."
)
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
        echo(line)
    echo(f"back: annotator import {path_shown(out)}/*.annotator.sqlite (each package's labels join the project)")


@main.command()
@click.argument("package_files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--idle-minutes",
    type=float,
    help="A pause between two decisions longer than this is not active time (default: the setting, 5).",
)
@click.pass_context
def progress(ctx: click.Context, package_files: tuple[Path, ...], as_json: bool, idle_minutes: float | None) -> None:
    """Per annotator: articles done of those assigned (per package), statements labeled, active
    time from the moments her decisions were saved, decisions per hour, suggestions accepted, and
    who is behind; a trainee is marked. With PACKAGE_FILES, each package's own figures (where its
    time stamps are)."""
    from annotator import settings
    from annotator.packages.progress import lines, mark_behind, package_progress, project_progress
    from annotator.store import Store

    idle = settings.PROGRESS_IDLE_SECONDS if idle_minutes is None else idle_minutes * 60
    if package_files:
        rows = []
        for path in package_files:
            with Store.open(path, readonly=True) as package:
                row = package_progress(package, idle)
            if row is None:
                raise click.ClickException(f"{path_shown(path)}: not a work package (annotator packages makes them)")
            rows.append(row)
        mark_behind(rows)
    else:
        with open_project(ctx) as store:
            rows = project_progress(store, idle)
    if as_json:
        echo_json([r.as_dict() for r in rows])
        return
    for line in lines(rows):
        echo(line)
