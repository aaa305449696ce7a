"""`annotator agreement`: agreement between annotators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator.cli.app import (
    Name,
    echo,
    echo_json,
    main,
    open_project,
    screen_size_option,
    size_needs_screenshot,
    window_function,
)
from annotator.store import StoreError

if TYPE_CHECKING:
    from annotator.store import Store


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--labels",
    multiple=True,
    type=Name("label", listed=True, lookup=True),
    help="Only these labels (repeatable, or comma-separated).",
)
@click.option(
    "--dashboard-screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Render the agreement dashboard to this PNG and exit.",
)
@screen_size_option()
@click.option(
    "--by-guidelines", is_flag=True, help="Alpha among the work done under each guidelines version, per version."
)
@click.option(
    "--against",
    type=click.Choice(["gold"]),
    help="Each annotator (trainees too) against gold: Cohen's kappa per label and overall, span F1 per label.",
)
@click.pass_context
def agreement(
    ctx: click.Context,
    as_json: bool,
    labels: tuple[str, ...],
    dashboard_screenshot: Path | None,
    screen_size: tuple[int, int] | None,
    by_guidelines: bool,
    against: str | None,
) -> None:
    """Agreement between annotators: Krippendorff's alpha, Cohen's kappa and span F1 per pair;
    for links, F1 on exact links (statement, other end, type) per pair and per link type.

    Units are the distinct spans any annotator labeled; an annotator who marked the article
    done and left a unit unlabeled counts as "no label" there. The gold layer and a model's
    output (model:VERSION layers) are left out. When articles have categories: alpha per
    category (present or not, over articles) and per exclusive group (which of its
    categories), under "categories" in --json. A trainee's work is left out until promoted.

    --by-guidelines: alpha per guidelines version, comparing the work each annotator did under
    the same version (an article's version: the one its "done" was given under).

    --against gold: each annotator against the gold layer where it is complete (gold's silence
    there is "no label"), over the units the annotator has a value for.
    """
    size_needs_screenshot(screen_size, dashboard_screenshot)
    chosen = [part.strip() for item in labels for part in item.split(",") if part.strip()] or None
    if by_guidelines:
        _by_guidelines(ctx, chosen, as_json)
        return
    if against:
        _against_gold(ctx, chosen, as_json)
        return
    if dashboard_screenshot is not None:
        run_dashboard = window_function("annotator.ui.review.launch", "run_dashboard", "dashboard")
        ctx.exit(run_dashboard(ctx.obj["db"], labels=chosen, screenshot=dashboard_screenshot, size=screen_size))
    from annotator.records import MODEL_LAYER
    from annotator.review import collect, compute_agreement
    from annotator.review.categories import category_agreement, collect_categories
    from annotator.review.links import collect_links, compute_link_agreement
    from annotator.review.report import agreement_table, category_table, link_agreement_table

    with open_project(ctx) as store:
        try:
            collection = collect(store, labels=chosen)
            result = compute_agreement(collection, labels=chosen)
            links = compute_link_agreement(collect_links(store, collect(store) if chosen else collection))
            categories = collect_categories(store)
            by_category = category_agreement(categories) if store.categories.used_categories() else None
            models = store.layers.annotators(MODEL_LAYER)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        extra = {"categories": by_category.as_dict()} if by_category is not None else {}
        echo_json({**result.as_dict(), "links": links.as_dict(), **extra})
    else:
        echo(agreement_table(result))
        echo("")
        echo(link_agreement_table(links))
        if by_category is not None:
            echo("")
            echo(category_table(by_category))
        if models:
            echo(f"(a model's output is no annotator: {', '.join(models)} left out)")


def _by_guidelines(ctx: click.Context, labels: list[str] | None, as_json: bool) -> None:
    from annotator.guidelines.by_version import agreement_by_version, by_version_table

    _print_rows(ctx, agreement_by_version, by_version_table, "by_guidelines", labels, as_json)


def _against_gold(ctx: click.Context, labels: list[str] | None, as_json: bool) -> None:
    from annotator.guidelines.against_gold import against_gold, against_gold_table

    _print_rows(ctx, against_gold, against_gold_table, "against_gold", labels, as_json)


def _print_rows(
    ctx: click.Context,
    compute: Callable[[Store, list[str] | None], list[Any]],
    table: Callable[[list[Any]], str],
    key: str,
    labels: list[str] | None,
    as_json: bool,
) -> None:
    """One agreement view: its rows computed on the project (read-only), as a table or as JSON
    under `key` (each row's `as_dict`)."""
    with open_project(ctx) as store:
        rows = compute(store, labels)
    if as_json:
        echo_json({key: [row.as_dict() for row in rows]})
    else:
        echo(table(rows))
