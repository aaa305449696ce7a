"""`annotator search`: the corpus search, and label all with `--apply`."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from annotator import settings
from annotator.cli.app import (
    Name,
    backup_reason_of,
    echo,
    echo_json,
    main,
    open_project,
    person_name,
    progress_bar,
)
from annotator.store import Store, read_only_reason


@main.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Show at most N hits.")
@click.option("--regex", is_flag=True, help="Take the whole QUERY as one Python regular expression.")
@click.option(
    "--annotator", help="Whose status and categories filters read, and whose layer --label writes (default: you)."
)
@click.option(
    "--label",
    type=Name("label"),
    metavar="LABEL",
    help="Label all matches with LABEL: prints the preview (--apply writes it).",
)
@click.option("--as-span", is_flag=True, help="With --label: label each match itself (widened to whole tokens).")
@click.option("--apply", is_flag=True, help="With --label: write the labels (one batch), after the preview.")
@click.pass_context
def search_cmd(
    ctx: click.Context,
    query: tuple[str, ...],
    as_json: bool,
    limit: int,
    regex: bool,
    annotator: str | None,
    label: str | None,
    as_span: bool,
    apply: bool,
) -> None:
    """Search every article: one hit per statement, in context (left · hit · right · title).

    \b
    Words match in any case and without diacritics; "a phrase" (quoted for the shell too:
    '"energy infrastructure"'), prefix* , AND/OR/NOT and ( ), -word; filters: label:L
    -label:L annotator:NAME status:done ent:PERSON category:C meta.FIELD:VALUE
    meta.date:2025-01..2025-03 meta.date:>=2025-03-01 re:"REGEX". See docs/search.md.

    The search index catches up with new articles first (once per import, with progress).
    """
    from annotator.search.hits import Search, SearchError
    from annotator.search.label_all import SPAN, STATEMENT, apply_label_all, plan_label_all
    from annotator.search.query import QueryError, parse
    from annotator.search.report import SearchOutcome

    if (as_span or apply) and not label:
        raise click.UsageError("--as-span and --apply go with --label LABEL")
    if label and annotator is not None:
        person_name(annotator, "--annotator")  # --label writes under it: a person's name
    try:  # a query that cannot be searched is said before the project is opened or indexed
        parse(" ".join(query), regex=regex)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    with _open_for_search(ctx, write=apply) as store:
        try:
            who = _who(store, annotator, writes=bool(label))
            found = Search(store, " ".join(query), annotator=who, regex=regex)
            outcome = SearchOutcome(found.query.text, found.page(limit=limit) if limit else None, found.count())
            outcome.notes += found.notes()
            if label:
                outcome.plan = plan_label_all(store, found.hits(), label, who, SPAN if as_span else STATEMENT)
                if apply and outcome.plan.changes:
                    from annotator.store.backups import make_backup

                    # the command line has no undo: a checked backup is the way back
                    outcome.backup = make_backup(store)
                    outcome.project = store.path
                    outcome.applied = apply_label_all(store, outcome.plan)
        except (SearchError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json(outcome.as_dict())
    else:
        for line in outcome.lines():
            echo(line)


def _who(store: Store, annotator: str | None, *, writes: bool) -> str:
    """Whose layer the search reads and --label writes: in a work package, its annotator."""
    from annotator.packages.who import package_annotator, writing_annotator

    if writes:
        return writing_annotator(store, annotator)
    return annotator or package_annotator(store) or settings.default_annotator()


@contextlib.contextmanager
def _open_for_search(ctx: click.Context, *, write: bool) -> Iterator[Store]:
    """The project, with its search index caught up (with a progress bar): opened for writing only
    when that or `write` needs it. On read-only media the index is built in a temporary copy of
    the project (a checked backup), searched and thrown away: slower, but every article is searched."""
    store = open_project(ctx, write=write)
    pending = store.search.search_index_pending()
    if not pending:
        with store:
            yield store
        return
    if store.readonly and (read_only_reason(store.path) or backup_reason_of(store.path)):
        with tempfile.TemporaryDirectory(prefix="annotator-search-") as folder, store:
            echo(
                f"note: {pending} articles are not in the search index and the project cannot be written; "
                "indexing a temporary copy (thrown away afterwards, so every search indexes again until "
                "the project can be written)",
                err=True,
            )
            copy = Store.open(store.backup(Path(folder) / store.path.name))
            with copy:
                _index(copy, pending, once=False)
                yield copy
        return
    if store.readonly:
        store.close()
        store = open_project(ctx, write=True)
    with store:
        _index(store, pending)
        yield store


def _index(store: Store, pending: int, *, once: bool = True) -> None:
    """Bring the index up to date, saying truly whether it lasts (`once`: the project itself) or
    is thrown away with a temporary copy."""
    lasts = "once; later only new articles" if once else "in the temporary copy, again at the next search"
    echo(f"indexing {pending} articles for search ({lasts})", err=True)
    with progress_bar("indexing", total=pending, unit="articles") as bar:
        store.search.update_search_index(progress=bar.update)
