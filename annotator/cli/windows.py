"""`annotator gui` and `annotator review`: the windows, imported only when opened."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from annotator import settings
from annotator.cli.app import (
    main,
    window_function,
)


@main.command()
@click.option("--article", type=int, help="Open this article id.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), help="Render to PNG and exit.")
@click.pass_context
def gui(ctx: click.Context, article: int | None, screenshot: Path | None) -> None:
    """Open the annotation window (the last project, or the sample corpus on first start)."""
    db = ctx.obj["chosen_db"]
    if db is not None and not Path(db).exists():
        raise click.ClickException(
            f"{db}: no such project. Check the path; File ▸ New project in the window, or "
            f"`annotator import FILES --db {shlex.quote(str(db))}`, creates one."
        )
    run = window_function("annotator.ui.annotate.window.launch", "run", "annotation window")
    # no --db (and no ANNOTATOR_DB): the window opens the last project, or the sample on first start
    ctx.exit(run(db, article=article, screenshot=screenshot))


@main.command()
@click.option("--annotator", help="Who is reviewing (default: ANNOTATOR_NAME or the login name).")
@click.option("--article", type=int, help="Start at this article.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), help="Render to PNG and exit.")
@click.pass_context
def review(ctx: click.Context, annotator: str | None, article: int | None, screenshot: Path | None) -> None:
    """Review conflicts side by side and decide the gold labels (keyboard-driven)."""
    run_review = window_function("annotator.ui.review.launch", "run_review", "review window")
    who = annotator or settings.default_annotator()
    ctx.exit(run_review(ctx.obj["db"], who, article=article, screenshot=screenshot))
