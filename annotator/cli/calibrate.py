"""`annotator calibrate`: a calibration set drawn from gold for a new annotator, and its report."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.app import (
    echo,
    echo_json,
    main,
    open_project,
    path_shown,
    person_name,
    screen_size_option,
    size_needs_screenshot,
    window_function,
)
from annotator.text import plural


@main.command()
@click.option("--annotator", metavar="NAME", help="Draw a calibration set for NAME (a trainee, usually).")
@click.option("--size", type=click.IntRange(min=1), default=20, show_default=True, help="Articles in the set.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed draws the same set.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the set as JSONL tasks (texts, no labels) for the trainee's own project; never replaces a file.",
)
@click.option("--report", "report_for", metavar="NAME", help="List each difference of NAME from gold.")
@click.option("--window", is_flag=True, help="With --report: open the calibration review window.")
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --report: render the calibration review window to this PNG and exit.",
)
@screen_size_option("--window-size")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def calibrate(
    ctx: click.Context,
    annotator: str | None,
    size: int,
    seed: int,
    out: Path | None,
    report_for: str | None,
    window: bool,
    screenshot: Path | None,
    screen_size: tuple[int, int] | None,
    as_json: bool,
) -> None:
    """Calibration for a new annotator against the project's gold.

    --annotator NAME --size N draws N articles with complete gold that NAME has not labeled,
    stratified by gold label (every label in the set when N allows), and keeps the set in the
    project: NAME labels those articles blind, here (the window shows only their own layer) or
    in their own project from --out FILE.jsonl, merged back with `annotator import --trainee
    --annotator NAME THEIRS.sqlite`. --report NAME lists each difference from gold with the
    guidelines section of the gold label (--window: side by side in a window); `agreement
    --against gold` gives the figures.
    """
    from annotator.guidelines.calibration import CalibrationError, draw, report, report_text, write_package

    if (annotator is None) == (report_for is None):
        raise click.UsageError("give one of --annotator NAME (draw a set) and --report NAME")
    name = (annotator if annotator is not None else report_for or "").strip()
    # the one rule for a person's name: a set for '' or for a name holding ESC is no one's
    person_name(name, "--annotator" if annotator is not None else "--report")
    size_needs_screenshot(screen_size, screenshot, "--window-size")
    if report_for is not None and (window or screenshot is not None):
        run = window_function("annotator.ui.review.calibration", "run_calibration", "calibration review")
        ctx.exit(run(ctx.obj["db"], name, screenshot=screenshot, size=screen_size))
    try:
        if report_for is not None:
            with open_project(ctx) as store:
                found = report(store, name)
            if as_json:
                echo_json(found.as_dict())
            else:
                echo(report_text(found))
            return
        with open_project(ctx, write=True) as store:
            drawn = draw(store, name, size, seed)
            if out is not None:
                write_package(store, drawn, out)
            current = store.guidelines.current()
            store.guidelines.set_calibration_set(name, drawn.as_setting(current.version if current else None))
    except CalibrationError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json({"annotator": name, "articles": drawn.articles, "per_label": drawn.per_label})
        return
    short = (
        f" (only {plural(drawn.available, 'article')} {'has' if drawn.available == 1 else 'have'} complete gold"
        f" {name} has not labeled)"
        if drawn.available < size
        else ""
    )
    labels = ", ".join(f"{label} {n}" for label, n in drawn.per_label.items())
    echo(f"calibration set for {name}: {plural(len(drawn.articles), 'article')}{short}; gold labels: {labels}")
    echo(f"articles: {', '.join(map(str, drawn.articles))}")
    if out is not None:
        echo(f"wrote {path_shown(out)}: the texts without labels, for {name}'s own project")
    echo(f"when {name} has finished them: annotator calibrate --report {name}")
