"""`annotator gui` and `annotator review`: the windows, imported only when opened."""

from __future__ import annotations

from pathlib import Path

import click

from annotator import settings
from annotator.cli.app import (
    main,
    open_project,
    path_shown,
    person_name,
    screen_size_option,
    size_needs_screenshot,
    window_function,
)
from annotator.text import path_in_command


@main.command()
@click.option("--article", type=int, help="Open this article id.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), help="Render to PNG and exit.")
@screen_size_option()
@click.pass_context
def gui(ctx: click.Context, article: int | None, screenshot: Path | None, screen_size: tuple[int, int] | None) -> None:
    """Open the annotation window (the last project, or the sample corpus on first start)."""
    size_needs_screenshot(screen_size, screenshot)
    db = ctx.obj["chosen_db"]
    if db is not None and not Path(db).exists():
        raise click.ClickException(
            f"{path_shown(db)}: no such project. Check the path; File ▸ New project in the window, or "
            f"`annotator import FILES --db {path_in_command(db)}`, creates one."
        )
    run = window_function("annotator.ui.annotate.window.launch", "run", "annotation window")
    # no --db (and no ANNOTATOR_DB): the window opens the last project, or the sample on first start
    ctx.exit(run(db, article=article, screenshot=screenshot, size=screen_size))


@main.command()
@click.option(
    "--annotator",
    help="Who is reviewing (default: ANNOTATOR_NAME or the login name; in a work package, always its annotator).",
)
@click.option("--article", type=int, help="Start at this article.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), help="Render to PNG and exit.")
@screen_size_option()
@click.pass_context
def review(
    ctx: click.Context,
    annotator: str | None,
    article: int | None,
    screenshot: Path | None,
    screen_size: tuple[int, int] | None,
) -> None:
    """Review conflicts side by side and decide the gold labels (keyboard-driven)."""
    size_needs_screenshot(screen_size, screenshot)
    from annotator.packages.who import NotThePackagesAnnotator, writing_annotator

    run_review = window_function("annotator.ui.review.launch", "run_review", "review window")
    who = annotator or settings.default_annotator()
    person_name(who, "--annotator")  # decisions are stored under it
    if Path(ctx.obj["db"]).exists():  # a missing one: the window's opener says why (and logs it)
        with open_project(ctx) as store:
            try:  # in a work package, every decision is stored under the package's annotator
                who = writing_annotator(store, annotator)
            except NotThePackagesAnnotator as exc:
                raise click.ClickException(str(exc)) from exc
    ctx.exit(run_review(ctx.obj["db"], who, article=article, screenshot=screenshot, size=screen_size))
