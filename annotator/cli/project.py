"""`annotator stats`, `backup`, `restore`, `check`: the project file itself."""

from __future__ import annotations

from pathlib import Path

import click

from annotator import settings
from annotator.cli.app import (
    echo,
    echo_json,
    main,
    open_project,
    path_shown,
    refuse_backup,
)
from annotator.text import path_in_command, plural


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of articles, labels, entities and annotators in the project, and how much the
    suggestions help: acceptance rate and keystrokes per decided statement, with and without."""
    with open_project(ctx) as store:
        figures = store.stats()
        figures["suggestions"] = store.suggestions.suggestion_stats()
    if as_json:
        echo_json(figures)
        return
    why = "" if ctx.obj.get("chosen_db") is not None else f" (the default project: {settings.default_db_why()})"
    echo(f"project      {path_shown(figures['path'])}{why}")
    for key in ("articles", "preannotated", "statements", "spans", "entities", "sentences", "links"):
        echo(f"{key:<12} {figures[key]}{_STATS_GLOSS.get(key, '')}")
    echo(f"annotators   {', '.join(figures['annotators']) or '-'}")
    if figures["models"]:
        echo(f"models       {', '.join(figures['models'])} (a model's output: not an annotator)")
    for label, n in figures["labels"].items():
        echo(f"  {label:<16} {n}")
    failed = figures["preannotation_failed"]
    if failed:
        retry = "retry: annotator preannotate --retry-failed"
        articles = f"{len(failed)} article{'s' * (len(failed) != 1)}"  # stats imports nothing it does not run
        echo(f"pre-annotation failed on {articles} ({retry}):")
        for item in failed:
            title = " ".join(item["title"].split())[:60]
            echo(f"  article {item['article']} ({title}): {item['reason']}")
    for line in _suggestion_lines(figures["suggestions"]):
        echo(line)


#: What a count beside another could be taken for: "statements 1" beside "sentences 78" reads as
#: if 77 sentences were lost, unless the line says which are which.
_STATS_GLOSS = {
    "statements": " (labeled or noted, each annotator's own)",
    "spans": " (labels given: a statement with two counts twice)",
    "sentences": " (spaCy's: the units offered for labeling)",
}


def _suggestion_lines(figures: dict) -> list[str]:
    """`stats`' account of the suggestions: how often they were taken, and the keystrokes they saved."""
    if not figures["shown"] and not figures["decided_without_suggestions"]:
        return ["suggestions  none shown yet"]

    def percent(rate: float | None) -> str:
        return "-" if rate is None else f"{rate:.0%}"

    def keys(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    lines = [
        f"suggestions  shown for {figures['shown']} statement{'s' * (figures['shown'] != 1)}; "
        f"{figures['decided_with_suggestions']} decided, "
        f"{figures['accepted']} accepted unchanged (acceptance rate {percent(figures['acceptance_rate'])})"
    ]
    for kind, name in (("model", "the model"), ("rule", "rules")):
        n = figures["labels_suggested"][kind]
        if n:
            lines.append(f"  labels from {name:<10} {n} suggested, {percent(figures['labels_kept'][kind])} kept")
    lines.append(
        f"keystrokes per decided statement: {keys(figures['keystrokes_with_suggestions'])} with suggestions "
        f"({figures['decided_with_suggestions']}), {keys(figures['keystrokes_without_suggestions'])} without "
        f"({figures['decided_without_suggestions']})"
    )
    return lines


@main.command()
@click.option(
    "--keep-days", type=int, default=settings.BACKUP_KEEP_DAYS, show_default=True, help="Drop copies older than this…"
)
@click.option(
    "--keep-latest",
    type=click.IntRange(min=1),
    default=settings.BACKUP_KEEP_LATEST,
    show_default=True,
    help="…but always keep this many newest copies, whatever their age.",
)
@click.pass_context
def backup(ctx: click.Context, keep_days: int, keep_latest: int) -> None:
    """Back up the project now and prune old copies. The copy is checked (integrity, schema, row
    counts) before it gets its name; a damaged project is refused, so good backups stay the newest."""
    from annotator.store import CorruptProjectError, backups

    with open_project(ctx) as store:
        try:
            made = backups.make_backup(store)
        except CorruptProjectError as exc:
            raise click.ClickException(f"not backed up (the backups you have stay the newest): {exc}") from exc
        backups.daily_backup(store, keep_days, keep_latest=keep_latest)
    echo(f"backed up {path_shown(store.path)} to {path_shown(made)} (checked)")
    echo(f"{len(backups.backups(store.path))} backups in {path_shown(backups.backup_dir(store.path))}")


@main.command()
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Backup file.")
@click.pass_context
def restore(ctx: click.Context, source: Path | None) -> None:
    """Restore the project from its newest backup that passes the check (or --from FILE).

    The backup is copied and checked before anything is touched; the old file (with its -wal)
    is kept aside, unchanged. Refused while a window has the project open.
    """
    from annotator.store import backups

    project = Path(ctx.obj["db"])
    refuse_backup(project)
    done = backups.restore(project, source)
    if done.taken_over:
        echo(f"note: {done.taken_over}", err=True)
    for skipped, why in done.skipped:
        echo(f"skipped {path_shown(skipped)}: {why}", err=True)
    echo(f"restored {path_shown(project)} from {path_shown(done.used)} (checked)")
    if done.aside and done.only_leftovers:
        aside = path_shown(done.aside)
        echo(f"there was no project file, only its leftover -wal/-shm: they were kept as {aside}-wal/-shm")
    elif done.aside:
        echo(f"the previous file was kept, unchanged, as {path_shown(done.aside)}")


@main.command()
@click.option("--full", is_flag=True, help="Complete integrity_check instead of quick_check.")
@click.pass_context
def check(ctx: click.Context, full: bool) -> None:
    """Check that the project file is sound, without writing to it; exits 1 and says how to recover if not."""
    from annotator.store import backups, check_project
    from annotator.store.stored_meta import is_meta_problem

    path = Path(ctx.obj["db"])
    problems = check_project(path, full=full)
    if not problems:
        echo(f"{path_shown(path)}: ok")
        return
    for problem in problems[:20]:
        echo(f"{path_shown(path)}: {problem}", err=True)
    if all(is_meta_problem(problem) for problem in problems):  # a backup holds the same: no restore to offer
        raise click.ClickException(
            f"the meta of {plural(len(problems), 'article')} was changed outside Annotator; the rest of the file "
            "is sound. Exports stop at such an article: correct its meta in the file (a JSON object), or restore "
            "a backup made before the change (annotator restore --from BACKUP)"
        )
    latest = backups.backups(path)
    hint = (
        f"restore the newest good backup (latest: {path_shown(latest[-1].name)}) with: "
        f"annotator --db {path_in_command(path)} restore"
        if latest
        else "no backup of this project exists"
    )
    raise click.ClickException(f"the project file is damaged; it was left as it was; {hint}")
