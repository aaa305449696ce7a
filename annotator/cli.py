"""The command line: thin commands that parse, call one plain function and print.

No SQL here and no top-level import of spaCy or Qt: `export` and `stats` start fast.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from annotator import __version__, formats, settings
from annotator.cli_registry import (
    FormatChoice,
    LiveHelpOption,
    RegistryCommand,
    export_formats,
    export_option_params,
    import_formats,
)
from annotator.records import reserved_name
from annotator.store import Store, StoreError, read_only_reason


def _progress(label: str, total: int | None = None, unit: str = "it"):
    """A progress bar on standard error, shown only on a terminal."""
    from tqdm import tqdm

    return tqdm(desc=label, total=total, unit=f" {unit}", file=sys.stderr, disable=None, leave=False)


def _open(ctx: click.Context, *, write: bool = False) -> Store:
    """The project, opened read-only unless the command `write`s: commands that only read never
    write to it (even on open or close), work on read-only media and say so. Refuses a missing
    file or another program's."""
    path = Path(ctx.obj["db"])
    if write:
        _refuse_backup(path)
        return Store.open(path)
    store = Store.open(path, readonly=True)
    reason = read_only_reason(path) or _backup_reason(path)
    if reason:
        click.echo(f"note: {path} is read-only ({reason}); reading only", err=True)
    return store


def _backup_reason(path: Path) -> str | None:
    from annotator.backups import backup_reason

    return backup_reason(path)


def _refuse_backup(path: Path) -> None:
    """A file in the backups folder is never written (import, rules, search --apply, preannotate)."""
    reason = _backup_reason(path)
    if reason:
        raise click.ClickException(f"{path}: nothing was changed: {reason}")


def _self_test(ctx: click.Context) -> None:
    from annotator.selftest import self_test

    ctx.exit(self_test())


class _Annotator(click.Group):
    """The command group; `annotator import x --db p` does what `annotator --db p import x` does."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _db_to_front(args, self.commands))

    def invoke(self, ctx: click.Context):
        """A `StoreError` (damaged, not a project, read-only, in use…) is a message and exit 1, never a traceback."""
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc


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


_PROCESSES = click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Pre-annotate with at most N processes (default: every core).",
)


def _import_help() -> str:
    return (
        "Import files and folders into the project (made if it does not exist yet), then pre-annotate.\n\n"
        "Each file is read in the format its ending names (where endings are shared, by its content: a "
        ".txt with a brat .ann beside it, a shard's first record), or as --format says. A folder is "
        "walked for the files the formats take. Another annotator's project file is merged in; a "
        "shard's entities and sentences are kept when they come from this project's pipeline.\n\n"
        "Bad files and records are reported as FILE:LINE: reason; the rest is imported, a task's "
        "records together or not at all. Exits 1 if anything was rejected."
    )


@main.command("import", cls=RegistryCommand, live_help=_import_help, formats_list=import_formats)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=FormatChoice(formats.import_names),
    help="Read every file as this format, whatever its name (CoNLL's eng.train, a .txt holding JSONL).",
)
@click.option("--no-ner", is_flag=True, help="Skip spaCy pre-annotation (entities and sentences).")
@click.option("--annotator", help="Name stored with labels that carry no _annotator_id.")
@click.option("--pipeline", help="spaCy package or folder for pre-annotation, or 'rules'.")
@_PROCESSES
@click.option("--sample", type=click.IntRange(min=1), metavar="N", help="Import a random sample of N records.")
@click.option("--seed", type=int, default=0, show_default=True, help="With --sample: the same seed, the same sample.")
@click.option("--sample-by", metavar="FIELD", help="With --sample: keep each value of meta FIELD in proportion.")
@click.pass_context
def import_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: str | None,
    no_ner: bool,
    annotator: str | None,
    pipeline: str | None,
    processes: int | None,
    sample: int | None,
    seed: int,
    sample_by: str | None,
):
    from annotator.importing import import_paths
    from annotator.sampling import MISSING, Sample

    if sample_by and not sample:
        raise click.UsageError("--sample-by needs --sample N")
    # the one command that creates a project: where no file is yet (anything there must be a project)
    _refuse_backup(Path(ctx.obj["db"]))
    annotator = annotator or settings.default_annotator()
    reserved = reserved_name(annotator)
    if reserved:
        raise click.BadParameter(f"{reserved}; import under a person's name", param_hint="--annotator")
    store = Store.create(ctx.obj["db"], exist_ok=True)
    with store:
        pipeline = pipeline or store.get_setting("pipeline")
        try:
            with _progress("importing", unit="records") as bar:
                report = import_paths(
                    store,
                    paths,
                    annotator=annotator,
                    fmt=fmt,
                    pipeline=pipeline,
                    sample=Sample(sample, seed, sample_by) if sample else None,
                    on_rejection=lambda r: click.echo(str(r), err=True),
                    progress=bar.update,
                )
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        files = "1 file" if report.files == 1 else f"{report.files} files"
        click.echo(f"imported {report.counts.describe()} from {files} into {store.path}")
        if sample:
            shares = ", ".join(f"{name} {n}" for name, n in sorted(report.sample_shares.items()))
            by = f" by {sample_by}: {shares}" if sample_by else ""
            click.echo(f"a random sample of {sample} records (seed {seed}){by}")
            if sample_by and set(report.sample_shares) <= {MISSING}:
                click.echo(
                    f"warning: no record has the meta field {sample_by!r} (a typo?): the sample is not stratified",
                    err=True,
                )
        for note in report.notes:
            click.echo(note)
        if not no_ner:
            _preannotate(store, pipeline, processes)
        if report.rejections:
            click.echo(f"{len(report.rejections)} rejected (see above)", err=True)
            ctx.exit(1)


def _preannotate(store: Store, pipeline_name: str | None, processes: int | None, retry_failed: bool = False) -> None:
    pending = store.count_unannotated(retry_failed=retry_failed)
    failed = len(store.preannotation_failures())
    if not pending:
        if failed and not retry_failed:
            click.echo(
                f"{failed} articles the pipeline failed on are left out: see annotator stats; "
                "retry with annotator preannotate --retry-failed"
            )
        return
    from annotator.nlp import PipelineError, load_pipeline, preannotate

    try:
        pipeline = load_pipeline(pipeline_name)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    if pipeline.rules_only:
        click.echo(f"note: {pipeline.description}", err=True)
    with _progress("pre-annotating", total=pending, unit="articles") as bar:
        done = preannotate(store, pipeline, processes=processes, retry_failed=retry_failed, progress=bar.update)
    click.echo(f"pre-annotated {done} articles with {pipeline.description}")
    failures = store.preannotation_failures()
    if failures:
        click.echo(
            f"the pipeline failed on {len(failures)} articles (the others are done): see annotator stats; "
            "retry them with annotator preannotate --retry-failed",
            err=True,
        )


@main.command("preannotate")
@click.argument("corpus", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write pre-annotated shards here.")
@click.option(
    "--dask-scheduler",
    metavar="ADDRESS",
    help="With --out: run on this Dask cluster (tcp://host:8786); default: a local cluster, one worker a core.",
)
@click.option("--pipeline", help="spaCy package or folder, or 'rules' (default: the project's, else en_core_web_sm).")
@click.option("--retry-failed", is_flag=True, help="Try again the articles the pipeline failed on before.")
@click.option(
    "--redo",
    is_flag=True,
    help="Pre-annotate every article again (another pipeline): spaCy's entities are replaced, a person's kept.",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="With --out: records per partition (one shard file each).",
)
@_PROCESSES
@click.pass_context
def preannotate_cmd(
    ctx: click.Context,
    corpus: Path | None,
    out: Path | None,
    dask_scheduler: str | None,
    pipeline: str | None,
    retry_failed: bool,
    redo: bool,
    partition_size: int,
    processes: int | None,
) -> None:
    """Find entities, sentences and tokens with spaCy, on every core.

    Without CORPUS: pre-annotate the project's articles that are not done yet (resumable).

    With CORPUS.jsonl --out DIR: map the pipeline over partitions of the corpus on a Dask
    cluster and write pre-annotated JSONL shards to DIR (resumable: done shards are kept,
    a killed run carries on). `annotator import DIR` then takes them without running spaCy
    again. The shard format is in the README.
    """
    if redo and corpus is not None:
        raise click.UsageError("--redo pre-annotates the project's articles again; it takes no CORPUS")
    if corpus is None:
        if redo and retry_failed:
            raise click.UsageError("--redo already retries the failed articles")
        if out or dask_scheduler:
            raise click.UsageError("--out and --dask-scheduler need a CORPUS.jsonl to read")
        with _open(ctx, write=True) as store:
            if redo:
                click.echo(f"pre-annotating {store.forget_preannotations()} articles again")
            if not store.count_unannotated(retry_failed=retry_failed):
                click.echo(f"nothing to pre-annotate in {store.path}")
            _preannotate(store, pipeline or store.get_setting("pipeline"), processes, retry_failed)
        return
    if out is None:
        raise click.UsageError("give --out DIR for the shards (or no CORPUS to pre-annotate the project)")
    from annotator.preannotate import ShardError, write_shards

    try:
        with _progress("pre-annotating", unit="records") as bar:
            summary = write_shards(
                corpus,
                out,
                pipeline=pipeline,
                scheduler=dask_scheduler,
                workers=processes,
                partition_size=partition_size,
                on_rejection=lambda r: click.echo(str(r), err=True),
                on_message=lambda m: click.echo(m, err=True),
                progress=bar.update,
            )
    except ShardError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.describe())
    if summary.rejected:
        ctx.exit(1)


def _export_help() -> str:
    from annotator.export_rule import rule_text

    return (
        "Export training data or another tool's file to OUT (- for standard output; a folder for a format that "
        "writes one), checked and written "
        "atomically.\n\n"
        "\b\n" + rule_text().replace("\n\n", "\n\n\b\n") + "\n\n"
        "Ends with an account: records written, per label, and each thing left out or changed, with "
        "its reason and count (--json for scripts). Exits 0 only when what was written is what was "
        "asked; a refused or failed export writes nothing and leaves OUT as it was. OUT may not be "
        "a project file, its journal or a backup."
    )


@main.command(
    "export",
    cls=RegistryCommand,
    live_help=_export_help,
    live_params=export_option_params,
    formats_list=export_formats,
    short_help="Export training data, or a file for another tool (--format).",
)
@click.argument("out", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    cls=LiveHelpOption,
    live_help=formats.export_help,
    type=FormatChoice(formats.export_names),
)
@click.option("--annotator", help="This annotator's layer (or a model's: model:VERSION, interchange formats only).")
@click.option(
    "--gold", is_flag=True, help="The gold layer: review decisions over what everyone who finished agrees on."
)
@click.option(
    "--all-layers", is_flag=True, help="Every layer as stored, one record per article and annotator (not for training)."
)
@click.option(
    "--articles",
    type=click.Choice(("done", "started", "all")),
    default="done",
    show_default=True,
    help="Finished articles; also unfinished ones; also untouched ones (the last two: not for training formats).",
)
@click.option("--skip-undecided", is_flag=True, help="--gold: leave out articles with undecided conflicts.")
@click.option("--labels", "labels_csv", metavar="A,B", help="Only these labels (comma-separated).")
@click.option(
    "--category-groups",
    "groups_csv",
    metavar="G,H",
    help="Only these article category groups (comma-separated; one exclusive group for spaCy's textcat).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON (to standard error when OUT is -).")
@click.pass_context
def export_cmd(
    ctx: click.Context,
    out: str,
    fmt: str | None,
    annotator: str | None,
    gold: bool,
    all_layers: bool,
    articles: str,
    skip_undecided: bool,
    labels_csv: str | None,
    groups_csv: str | None,
    as_json: bool,
    **options: str | None,
) -> None:
    from annotator.export_rule import choose_rule
    from annotator.exporting import (
        ExportError,
        ExportRefused,
        check_destination,
        count_records,
        export,
        format_for,
        format_options,
    )

    fmt = fmt or format_for(out)
    if sum((annotator is not None, gold, all_layers)) > 1:
        raise click.UsageError("give one of --annotator, --gold and --all-layers")
    try:
        format_options(fmt, options)  # an option the format does not take is a usage error, said at once
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    labels = [x.strip() for x in labels_csv.split(",") if x.strip()] if labels_csv is not None else None
    if labels is not None and not labels:
        raise click.BadParameter("name at least one label", param_hint="--labels")
    to_stderr = out == "-"

    def fail(message: str, summary=None) -> None:
        if as_json:
            account = summary.as_dict() if summary is not None else {}
            click.echo(json.dumps({**account, "ok": False, "error": message}, ensure_ascii=False, indent=2), err=True)
        else:
            if summary is not None and summary.records:
                for line in summary.lines()[1:]:
                    click.echo(line, err=True)
            click.echo(f"Error: {message}", err=True)
        ctx.exit(1)

    with _open(ctx) as store:
        try:
            check_destination(store, out)  # before anything else: a project is never written over
            rule = choose_rule(
                store,
                fmt,
                annotator=annotator,
                gold=gold,
                all_layers=all_layers,
                articles=articles,
                labels=labels,
                skip_undecided=skip_undecided,
                category_groups=groups_csv.split(",") if groups_csv is not None else None,
            )
            with _progress("exporting", total=count_records(store, rule), unit="records") as bar:
                summary = export(store, out, rule, progress=bar.update, **options)
        except ExportRefused as exc:
            fail(str(exc))
        except ExportError as exc:
            if out == "-":
                _quiet_stdout()  # what could not be written must not come back as a traceback at exit
            fail(str(exc), exc.summary)
        except StoreError as exc:
            fail(str(exc))
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2), err=to_stderr)
    else:
        for line in summary.lines():
            click.echo(line, err=to_stderr)
        for warning in summary.warnings[:SHOWN_WARNINGS]:
            click.echo(f"warning: {warning}", err=True)
        if len(summary.warnings) > SHOWN_WARNINGS:
            click.echo(
                f"… and {len(summary.warnings) - SHOWN_WARNINGS} more warnings (--json lists them all)", err=True
            )
    ctx.exit(0 if summary.ok else 1)


#: How many per-item warnings `export` prints (the JSON account has them all).
SHOWN_WARNINGS = 50


def _quiet_stdout() -> None:
    """Standard output failed (its reader has gone, its disk is full): point it at /dev/null so that
    Python's last flush at exit does not print a traceback (the advice of Python's signal docs)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _train_help() -> str:
    from annotator.export_rule import RULE

    return (
        "Train a statement classifier (spaCy textcat_multilabel) on the project's statements, and keep it "
        "as the project's latest model (the window's suggestions).\n\n"
        "The examples are exactly what `annotator export --format textcat` writes: one layer, finished "
        "articles only, labeled statements positive, the other sentences of finished articles negative. "
        "A seeded share is held out (stratified by label) to measure the model: per-label precision, "
        "recall and F1, and their macro F1. Labels with fewer than 10 examples are named as too few to learn."
        "\n\n\b\n" + RULE.replace("\n\n", "\n\n\b\n") + "\n\n"
        "The model is kept in the user's data folder (models/, one folder per project; `--json` says where); "
        "--output DIR also writes it as a spaCy pipeline that spacy.load(DIR) runs without Annotator."
    )


@main.command("train", help=_train_help(), short_help="Train a statement classifier on the project's labels.")
@click.option("--annotator", help="Train on this annotator's layer.")
@click.option("--gold", is_flag=True, help="Train on the gold layer (articles with undecided conflicts left out).")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Also write the model to this folder as a spaCy pipeline (replaces a pipeline there; refuses other folders).",
)
@click.option(
    "--architecture",
    type=click.Choice(("auto", "bow", "ensemble")),
    default="auto",
    show_default=True,
    help="spaCy textcat model: auto = the ensemble below 10,000 examples, the bag of words from there (measured).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="The held-out split and training seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def train_cmd(
    ctx: click.Context,
    annotator: str | None,
    gold: bool,
    output: Path | None,
    architecture: str,
    seed: int,
    as_json: bool,
) -> None:
    from annotator.export_rule import ExportRefused
    from annotator.learn.models import ModelFolderError
    from annotator.learn.project import NothingToLearn, train_project

    if annotator is not None and gold:
        raise click.UsageError("give --annotator NAME or --gold, not both")
    with _open(ctx) as store:
        try:
            with _progress("training", unit="batches") as bar:

                def progress(done: int, total: int) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                report = train_project(
                    store,
                    annotator=annotator,
                    gold=gold,
                    output=output,
                    architecture=architecture,
                    seed=seed,
                    progress=progress,
                )
        except OSError as exc:  # the data folder or --output cannot be written (full disk, permissions)
            raise click.ClickException(f"the model could not be written: {exc}") from exc
        except (ExportRefused, NothingToLearn, ModelFolderError) as exc:
            if as_json:
                click.echo(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False, indent=2))
                ctx.exit(1)
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({"ok": True, **report.as_dict()}, ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        click.echo(line)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)


@main.command("rules")
@click.option(
    "--load",
    "load",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Make the rules in this JSONL file the project's (nothing changes if a line is wrong).",
)
@click.option("--reset", is_flag=True, help="Go back to the default rules.")
@click.pass_context
def rules_cmd(ctx: click.Context, load: Path | None, reset: bool) -> None:
    """Show or set the rules that suggest labels: spaCy Matcher/PhraseMatcher patterns, one JSON a line.

    \b
    {"label": "condition", "pattern": "contingent on"}
    {"label": "condition", "pattern": [{"LOWER": "if"}, {"OP": "*"}, {"LOWER": "then"}], "id": "if ... then"}

    A phrase matches lower-cased tokens; a list is a spaCy Matcher pattern. Without options,
    prints the project's rules (the defaults until it has its own): edit them and --load them.
    A rule suggests its label, marked as a rule's; it is never a label until accepted.
    """
    from annotator.learn.rules import project_rules, read_rules_file, rules_jsonl, save_rules, validate_rules

    if load and reset:
        raise click.UsageError("give --load FILE or --reset, not both")
    if not load and not reset:
        with _open(ctx) as store:
            click.echo(rules_jsonl(project_rules(store)), nl=False)
        return
    if reset:
        with _open(ctx, write=True) as store:
            save_rules(store, None)
        click.echo("the project uses the default rules again")
        return
    rules, rejections = read_rules_file(load)
    if not rejections:
        rejections = validate_rules(rules, str(load))
    for rejection in rejections:
        click.echo(str(rejection), err=True)
    if rejections:
        raise click.ClickException(f"{len(rejections)} rules rejected (see above); the project's rules are unchanged")
    with _open(ctx, write=True) as store:
        save_rules(store, rules)
    click.echo(f"{len(rules)} rules from {load} are the project's")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of articles, labels, entities and annotators in the project, and how much the
    suggestions help: acceptance rate and keystrokes per decided statement, with and without."""
    with _open(ctx) as store:
        figures = store.stats()
        figures["suggestions"] = store.suggestion_stats()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"project      {figures['path']}")
    for key in ("articles", "preannotated", "statements", "spans", "entities", "sentences", "links"):
        click.echo(f"{key:<12} {figures[key]}")
    click.echo(f"annotators   {', '.join(figures['annotators']) or '-'}")
    if figures["models"]:
        click.echo(f"models       {', '.join(figures['models'])} (a model's output: not an annotator)")
    for label, n in figures["labels"].items():
        click.echo(f"  {label:<16} {n}")
    failed = figures["preannotation_failed"]
    if failed:
        click.echo(f"pre-annotation failed on {len(failed)} articles (retry: annotator preannotate --retry-failed):")
        for item in failed:
            title = " ".join(item["title"].split())[:60]
            click.echo(f"  article {item['article']} ({title}): {item['reason']}")
    for line in _suggestion_lines(figures["suggestions"]):
        click.echo(line)


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
    db = ctx.obj["chosen_db"]
    if db is not None and not Path(db).exists():
        raise click.ClickException(
            f"{db}: no such project. Check the path; File ▸ New project in the window, or "
            f"`annotator import FILES --db {shlex.quote(str(db))}`, creates one."
        )
    run = _window_function("annotator.ui.annotate.launch", "run", "annotation window")
    # no --db (and no ANNOTATOR_DB): the window opens the last project, or the sample on first start
    ctx.exit(run(db, article=article, screenshot=screenshot))


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
    from annotator import backups
    from annotator.store import CorruptProjectError

    with _open(ctx) as store:
        try:
            made = backups.make_backup(store)
        except CorruptProjectError as exc:
            raise click.ClickException(f"not backed up (the backups you have stay the newest): {exc}") from exc
        backups.daily_backup(store, keep_days, keep_latest=keep_latest)
    click.echo(f"backed up {store.path} to {made} (checked)")
    click.echo(f"{len(backups.backups(store.path))} backups in {backups.backup_dir(store.path)}")


@main.command()
@click.option("--from", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Backup file.")
@click.pass_context
def restore(ctx: click.Context, source: Path | None) -> None:
    """Restore the project from its newest backup that passes the check (or --from FILE).

    The backup is copied and checked before anything is touched; the old file (with its -wal)
    is kept aside, unchanged. Refused while a window has the project open.
    """
    from annotator import backups

    project = Path(ctx.obj["db"])
    _refuse_backup(project)
    done = backups.restore(project, source)
    if done.taken_over:
        click.echo(f"note: {done.taken_over}", err=True)
    for skipped, why in done.skipped:
        click.echo(f"skipped {skipped}: {why}", err=True)
    click.echo(f"restored {project} from {done.used} (checked)")
    if done.aside and done.only_leftovers:
        click.echo(f"there was no project file, only its leftover -wal/-shm: they were kept as {done.aside}-wal/-shm")
    elif done.aside:
        click.echo(f"the previous file was kept, unchanged, as {done.aside}")


@main.command()
@click.option("--full", is_flag=True, help="Complete integrity_check instead of quick_check.")
@click.pass_context
def check(ctx: click.Context, full: bool) -> None:
    """Check that the project file is sound, without writing to it; exits 1 and says how to recover if not."""
    from annotator import backups
    from annotator.store import check_project

    path = Path(ctx.obj["db"])
    problems = check_project(path, full=full)
    if not problems:
        click.echo(f"{path}: ok")
        return
    for problem in problems[:20]:
        click.echo(f"{path}: {problem}", err=True)
    latest = backups.backups(path)
    hint = (
        f"restore the newest good backup (latest: {latest[-1].name}) with: "
        f"annotator --db {shlex.quote(str(path))} restore"
        if latest
        else "no backup of this project exists"
    )
    raise click.ClickException(f"the project file is damaged; it was left as it was; {hint}")


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
    """Agreement between annotators: Krippendorff's alpha, Cohen's kappa and span F1 per pair;
    for links, F1 on exact links (statement, other end, type) per pair and per link type.

    Units are the distinct spans any annotator labeled; an annotator who marked the article
    done and left a unit unlabeled counts as "no label" there. The gold layer and a model's
    output (model:VERSION layers) are left out. When articles have categories: alpha per
    category (present or not, over articles) and per exclusive group (which of its
    categories), under "categories" in --json.
    """
    chosen = [part.strip() for item in labels for part in item.split(",") if part.strip()] or None
    if dashboard_screenshot is not None:
        run_dashboard = _window_function("annotator.ui.review.launch", "run_dashboard", "dashboard")
        ctx.exit(run_dashboard(ctx.obj["db"], labels=chosen, screenshot=dashboard_screenshot))
    from annotator.records import MODEL_LAYER
    from annotator.review import collect, compute_agreement
    from annotator.review.categories import category_agreement, collect_categories
    from annotator.review.links import collect_links, compute_link_agreement
    from annotator.review.report import agreement_table, category_table, link_agreement_table

    with _open(ctx) as store:
        try:
            collection = collect(store, labels=chosen)
            result = compute_agreement(collection, labels=chosen)
            links = compute_link_agreement(collect_links(store, collect(store) if chosen else collection))
            categories = collect_categories(store)
            by_category = category_agreement(categories) if store.used_categories() else None
            models = store.annotators(MODEL_LAYER)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        extra = {"categories": by_category.as_dict()} if by_category is not None else {}
        click.echo(json.dumps({**result.as_dict(), "links": links.as_dict(), **extra}, ensure_ascii=False, indent=2))
    else:
        click.echo(agreement_table(result))
        click.echo("")
        click.echo(link_agreement_table(links))
        if by_category is not None:
            click.echo("")
            click.echo(category_table(by_category))
        if models:
            click.echo(f"(a model's output is no annotator: {', '.join(models)} left out)")


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


@main.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Show at most N hits.")
@click.option("--regex", is_flag=True, help="Take the whole QUERY as one Python regular expression.")
@click.option(
    "--annotator", help="Whose status and categories filters read, and whose layer --label writes (default: you)."
)
@click.option("--label", metavar="LABEL", help="Label all matches with LABEL: prints the preview (--apply writes it).")
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
    meta.date:2025-01..2025-03 meta.date:>=2025-03-01 re:"REGEX". See the README.

    The search index catches up with new articles first (once per import, with progress).
    """
    from annotator.label_all import SPAN, STATEMENT, apply_label_all, plan_label_all
    from annotator.search import Search, SearchError
    from annotator.search_report import SearchOutcome

    if (as_span or apply) and not label:
        raise click.UsageError("--as-span and --apply go with --label LABEL")
    who = annotator or settings.default_annotator()
    with _open_for_search(ctx, write=apply) as store:
        try:
            found = Search(store, " ".join(query), annotator=who, regex=regex)
            outcome = SearchOutcome(found.query.text, found.page(limit=limit) if limit else None, found.count())
            outcome.notes += found.notes()
            if label:
                outcome.plan = plan_label_all(store, found.hits(), label, who, SPAN if as_span else STATEMENT)
                if apply and outcome.plan.changes:
                    from annotator.backups import make_backup

                    # the command line has no undo: a checked backup is the way back
                    outcome.backup = make_backup(store)
                    outcome.project = store.path
                    outcome.applied = apply_label_all(store, outcome.plan)
        except (SearchError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in outcome.lines():
            click.echo(line)


@contextlib.contextmanager
def _open_for_search(ctx: click.Context, *, write: bool) -> Iterator[Store]:
    """The project, with its search index caught up (with a progress bar): opened for writing only
    when that or `write` needs it. On read-only media the index is built in a temporary copy of
    the project (a checked backup), searched and thrown away: slower, but every article is searched."""
    store = _open(ctx, write=write)
    pending = store.search_index_pending()
    if not pending:
        with store:
            yield store
        return
    if store.readonly and (read_only_reason(store.path) or _backup_reason(store.path)):
        with tempfile.TemporaryDirectory(prefix="annotator-search-") as folder, store:
            click.echo(
                f"note: {pending} articles are not in the search index and the project cannot be written; "
                "indexing a temporary copy (thrown away afterwards)",
                err=True,
            )
            copy = Store.open(store.backup(Path(folder) / store.path.name))
            with copy:
                _index(copy, pending)
                yield copy
        return
    if store.readonly:
        store.close()
        store = _open(ctx, write=True)
    with store:
        _index(store, pending)
        yield store


def _index(store: Store, pending: int) -> None:
    click.echo(f"indexing {pending} articles for search (once; later only new articles)", err=True)
    with _progress("indexing", total=pending, unit="articles") as bar:
        store.update_search_index(progress=bar.update)
