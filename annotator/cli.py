"""The command line: thin commands that parse, call one plain function and print.

No SQL here and no top-level import of spaCy or Qt: `export` and `stats` start fast.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from annotator import __version__, settings
from annotator.store import Store, StoreError


def _progress(label: str, total: int | None = None, unit: str = "it"):
    """A progress bar on standard error, shown only on a terminal."""
    from tqdm import tqdm

    return tqdm(desc=label, total=total, unit=f" {unit}", file=sys.stderr, disable=None, leave=False)


def _open(ctx: click.Context) -> Store:
    path = ctx.obj["db"]
    try:
        return Store.open(path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _self_test(ctx: click.Context) -> None:
    from annotator.selftest import self_test

    ctx.exit(self_test())


class _Annotator(click.Group):
    """The command group; `annotator import x --db p` does what `annotator --db p import x` does."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _db_to_front(args, self.commands))


def _db_to_front(args: list[str], commands: dict[str, click.Command]) -> list[str]:
    """Move a `--db FILE` written after a command that has no --db of its own in front of it."""
    i = _command_at(args, commands)
    if i is None or any("--db" in param.opts for param in commands[args[i]].params):
        return args
    moved: list[str] = []
    rest: list[str] = []
    tail = iter(args[i + 1 :])
    for arg in tail:
        if arg == "--":
            rest += [arg, *tail]
        elif arg == "--db":
            moved += [arg, next(tail, "")]
        elif arg.startswith("--db="):
            moved.append(arg)
        else:
            rest.append(arg)
    return [*moved, *args[: i + 1], *rest]


def _command_at(args: list[str], commands: dict[str, click.Command]) -> int | None:
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif arg == "--":
            return None
        elif arg in commands:
            return i
    return None


@click.group(cls=_Annotator, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file (default: the user's default project; env ANNOTATOR_DB). May also follow the command.",
)
@click.version_option(__version__, prog_name="annotator")
@click.option(
    "--self-test",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: _self_test(ctx) if value and not ctx.resilient_parsing else None,
    help="Check the installed app end to end (pipeline, project, export, window) in a temporary folder, and exit.",
)
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Annotator: turn news articles into labeled training data, offline.

    With no command, opens the annotation window.
    """
    ctx.ensure_object(dict)
    chosen = db or settings.project_from_env()
    ctx.obj["db"] = chosen or settings.default_db()
    #: None when neither --db nor ANNOTATOR_DB names a project: the window then opens the last one.
    ctx.obj["chosen_db"] = chosen
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-ner", is_flag=True, help="Skip spaCy pre-annotation (entities and sentences).")
@click.option("--annotator", help="Name stored with labels that carry no _annotator_id.")
@click.option("--pipeline", help="spaCy package or folder for pre-annotation, or 'rules'.")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], no_ner: bool, annotator: str | None, pipeline: str | None):
    """Import .txt files (with brat .ann annotations beside them or not), folders, JSONL (plain,
    Prodigy or doccano), spaCy DocBins (.spacy) and other annotators' project files
    (.annotator.sqlite), which are merged in.

    Bad files and records are reported as FILE:LINE: reason; the rest is imported.
    Exits 1 if anything was rejected.
    """
    from annotator.importing import import_paths

    store = _open(ctx)
    with store:
        annotator = annotator or settings.default_annotator()
        try:
            with _progress("importing", unit="records") as bar:
                report = import_paths(
                    store,
                    paths,
                    annotator=annotator,
                    on_rejection=lambda r: click.echo(str(r), err=True),
                    progress=bar.update,
                )
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        files = "1 file" if report.files == 1 else f"{report.files} files"
        click.echo(f"imported {report.counts.describe()} from {files} into {store.path}")
        if not no_ner:
            _preannotate(store, pipeline or store.get_setting("pipeline"))
        if report.rejections:
            click.echo(f"{len(report.rejections)} rejected (see above)", err=True)
            ctx.exit(1)


def _preannotate(store: Store, pipeline_name: str | None) -> None:
    pending = store.count_unannotated()
    if not pending:
        return
    from annotator.nlp import PipelineError, load_pipeline, preannotate

    try:
        pipeline = load_pipeline(pipeline_name)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    if pipeline.rules_only:
        click.echo(f"note: {pipeline.description}", err=True)
    with _progress("pre-annotating", total=pending, unit="articles") as bar:
        done = preannotate(store, pipeline, progress=bar.update)
    click.echo(f"pre-annotated {done} articles with {pipeline.description}")


@main.command("export")
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("jsonl", "doccano", "spacy", "textcat", "csv")),
    help="jsonl: Prodigy tasks; doccano; spacy: DocBin for spacy train; textcat: one record per statement; csv. "
    "Default: from OUT's ending (.spacy, .csv), else jsonl.",
)
@click.option("--annotator", help="Only this annotator's labels.")
@click.option("--gold", is_flag=True, help="The reviewed gold layer, one record per article.")
@click.option("--labels", "labels_csv", metavar="A,B", help="Only these labels (comma-separated).")
@click.option("--status", type=click.Choice(("new", "in_progress", "done")), help="Only articles with this status.")
@click.option(
    "--align",
    type=click.Choice(("contract", "expand")),
    help="spacy format: snap spans that are off token boundaries (default: report and leave them out).",
)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    out: str,
    fmt: str | None,
    annotator: str | None,
    gold: bool,
    labels_csv: str | None,
    status: str | None,
    align: str | None,
) -> None:
    """Export training data to OUT (- for standard output), checked and written atomically.

    Prints what went out: records, spans, per-label counts, and every span that is off
    token boundaries (by article and offset). A failed export leaves the old OUT as it was.
    """
    from annotator.exporting import ExportError, count_records, export, format_for
    from annotator.records import GOLD

    fmt = fmt or format_for(out)

    if gold and annotator:
        raise click.UsageError("give --annotator or --gold, not both")
    labels = [x.strip() for x in labels_csv.split(",") if x.strip()] if labels_csv is not None else None
    if labels is not None and not labels:
        raise click.BadParameter("name at least one label", param_hint="--labels")
    with _open(ctx) as store:
        known = store.annotators()
        if gold and GOLD not in known:
            raise click.ClickException(f"{store.path} has no gold layer yet; review the annotators' labels first")
        if annotator is not None and annotator not in known:
            names = ", ".join(known) or "none yet"
            raise click.ClickException(f"no annotator {annotator!r} in {store.path} (known: {names})")
        filters = {"annotator": annotator, "gold": gold, "labels": labels, "status": status}
        try:
            with _progress("exporting", total=count_records(store, **filters), unit="records") as bar:
                summary = export(store, out, fmt=fmt, align=align, progress=bar.update, **filters)
        except (StoreError, ExportError) as exc:
            raise click.ClickException(str(exc)) from exc
    per_label = ", ".join(f"{label} {n}" for label, n in sorted(summary.labels.items())) or "none"
    click.echo(
        f"exported {summary.records} records, {summary.spans} spans, {summary.entities} entities "
        f"to {out} ({fmt}) in {summary.seconds:.2f} s; labels: {per_label}",
        err=out == "-",
    )
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    notes = [
        (summary.misaligned, "spans/entities off token boundaries, written as they are"),
        (summary.skipped, "spans/entities off token boundaries left out of the DocBin (kept in doc.user_data)"),
        (summary.snapped, f"spans/entities snapped onto tokens (--align {align})"),
        (summary.overflow, "overlapping entities put in doc.spans['ents_overflow']"),
    ]
    for n, what in notes:
        if n:
            click.echo(f"{n} {what}", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of articles, labels, entities and annotators in the project."""
    with _open(ctx) as store:
        figures = store.stats()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"project      {figures['path']}")
    for key in ("articles", "preannotated", "statements", "spans", "entities", "sentences"):
        click.echo(f"{key:<12} {figures[key]}")
    click.echo(f"annotators   {', '.join(figures['annotators']) or '-'}")
    for label, n in figures["labels"].items():
        click.echo(f"  {label:<16} {n}")


def _window_function(module: str, name: str, what: str) -> Callable[..., int]:
    """A window's entry point, imported only now (Qt is not loaded by the other commands)."""
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        raise click.ClickException(f"the {what} is not available in this build ({exc})") from exc


@main.command()
@click.option("--article", type=int, help="Open this article id.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), help="Render to PNG and exit.")
@click.pass_context
def gui(ctx: click.Context, article: int | None, screenshot: Path | None) -> None:
    """Open the annotation window (the last project, or the sample corpus on first start)."""
    run = _window_function("annotator.ui.annotate.launch", "run", "annotation window")
    ctx.exit(run(ctx.obj["chosen_db"], article=article, screenshot=screenshot))


@main.command()
@click.option("--keep-days", type=int, default=settings.BACKUP_KEEP_DAYS, show_default=True, help="Drop older copies.")
@click.pass_context
def backup(ctx: click.Context, keep_days: int) -> None:
    """Back up the project now (SQLite online backup) and prune old copies."""
    from annotator import backups

    with _open(ctx) as store:
        made = backups.make_backup(store)
        backups.daily_backup(store, keep_days)
    click.echo(f"backed up {store.path} to {made}")
    click.echo(f"{len(backups.backups(store.path))} backups in {backups.backup_dir(store.path)}")


@main.command()
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Backup file.")
@click.pass_context
def restore(ctx: click.Context, source: Path | None) -> None:
    """Restore the project from its latest backup (or --from FILE); the old file is kept aside."""
    from annotator import backups

    try:
        used, aside = backups.restore(ctx.obj["db"], source)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {ctx.obj['db']} from {used}")
    if aside:
        click.echo(f"the previous file was kept, unchanged, as {aside}")


@main.command()
@click.option("--full", is_flag=True, help="Complete integrity_check instead of quick_check.")
@click.pass_context
def check(ctx: click.Context, full: bool) -> None:
    """Check that the project file is sound; exits 1 and says how to recover if not."""
    from annotator import backups

    path = ctx.obj["db"]
    try:
        with Store.open(path, create=False) as store:
            problems = store.integrity_check() if full else store.quick_check()
    except StoreError as exc:
        problems = [str(exc)]
    if not problems:
        click.echo(f"{path}: ok")
        return
    for problem in problems[:20]:
        click.echo(f"{path}: {problem}", err=True)
    latest = backups.backups(Path(path))
    hint = (
        f"restore the latest backup ({latest[-1].name}) with: annotator --db {path} restore"
        if latest
        else ("no backup of this project exists")
    )
    raise click.ClickException(f"the project file is damaged; {hint}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--labels", multiple=True, help="Only these labels (repeatable, or comma-separated).")
@click.option(
    "--dashboard-screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Render the agreement dashboard to this PNG and exit.",
)
@click.pass_context
def agreement(ctx: click.Context, as_json: bool, labels: tuple[str, ...], dashboard_screenshot: Path | None) -> None:
    """Agreement between annotators: Krippendorff's alpha, Cohen's kappa and span F1 per pair.

    Units are the distinct spans any annotator labeled; an annotator who marked the article
    done and left a unit unlabeled counts as "no label" there. The gold layer is left out.
    """
    chosen = [part.strip() for item in labels for part in item.split(",") if part.strip()] or None
    if dashboard_screenshot is not None:
        run_dashboard = _window_function("annotator.ui.review.launch", "run_dashboard", "dashboard")
        ctx.exit(run_dashboard(ctx.obj["db"], labels=chosen, screenshot=dashboard_screenshot))
    from annotator.review import collect, compute_agreement
    from annotator.review.report import agreement_table

    with _open(ctx) as store:
        try:
            result = compute_agreement(collect(store, labels=chosen), labels=chosen)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(agreement_table(result))


@main.command()
@click.option("--annotator", help="Who is reviewing (default: ANNOTATOR_NAME or the login name).")
@click.option("--article", type=int, help="Start at this article.")
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), help="Render to PNG and exit.")
@click.pass_context
def review(ctx: click.Context, annotator: str | None, article: int | None, screenshot: Path | None) -> None:
    """Review conflicts side by side and decide the gold labels (keyboard-driven)."""
    run_review = _window_function("annotator.ui.review.launch", "run_review", "review window")
    who = annotator or settings.default_annotator()
    ctx.exit(run_review(ctx.obj["db"], who, article=article, screenshot=screenshot))
