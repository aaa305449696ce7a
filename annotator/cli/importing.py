"""`annotator import` and `annotator preannotate`: bring articles in, find entities and sentences."""

from __future__ import annotations

from pathlib import Path

import click

from annotator import formats, settings
from annotator.cli.app import (
    PROCESSES,
    echo,
    main,
    open_project,
    path_shown,
    person_name,
    progress_bar,
    refuse_backup,
)
from annotator.cli.registry import (
    FormatChoice,
    RegistryCommand,
    import_formats,
)
from annotator.store import Store, StoreError
from annotator.text import plural


def _import_help() -> str:
    return (
        "Import files and folders into the project (made if it does not exist yet), then pre-annotate.\n\n"
        "Each file is read in the format its ending names (where endings are shared, by its content: a "
        ".txt with a brat .ann beside it, a shard's first record), or as --format says. A folder is "
        "walked for the files the formats take. Another annotator's project file is merged in; a "
        "shard's entities and sentences are kept when they come from this project's pipeline.\n\n"
        "Bad files and records are reported as FILE:LINE: reason; the rest is imported, a task's "
        "records together or not at all. Exits 1 if a file or record was refused; a note on a record that came in "
        "(part of it left out, a span kept as given) is said, and the exit is still 0."
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
@click.option(
    "--trainee",
    is_flag=True,
    help="The people whose work the files bring (their _annotator_id, or --annotator for labels that carry "
    "none) are trainees: kept out of gold, review and agreement until promoted (annotator annotators --promote "
    "NAME). A team member's work is refused.",
)
@click.option("--pipeline", help="spaCy package or folder for pre-annotation, or 'rules'.")
@PROCESSES
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
    trainee: bool,
    pipeline: str | None,
    processes: int | None,
    sample: int | None,
    seed: int,
    sample_by: str | None,
):
    from annotator.importing.aside import warm_reader

    if not sample and not trainee:
        warm_reader(paths)
    from annotator.importing.run import ImportInterrupted, import_paths
    from annotator.importing.sampling import MISSING, Sample

    if sample_by and not sample:
        raise click.UsageError("--sample-by needs --sample N")
    # the one command that creates a project: where no file is yet (anything there must be a project)
    refuse_backup(Path(ctx.obj["db"]))
    person_name(annotator or settings.default_annotator(), "--annotator")  # before a project is made
    store = Store.create(ctx.obj["db"], exist_ok=True)
    with store:
        from annotator.packages.who import NotThePackagesAnnotator, writing_annotator

        try:  # into a work package, labels are stored under its annotator
            annotator = writing_annotator(store, annotator)
        except NotThePackagesAnnotator as exc:
            raise click.ClickException(str(exc)) from exc
        pipeline = pipeline or store.get_setting("pipeline")
        try:
            with progress_bar("importing", unit="records") as bar:
                report = import_paths(
                    store,
                    paths,
                    annotator=annotator,
                    fmt=fmt,
                    pipeline=pipeline,
                    sample=Sample(sample, seed, sample_by) if sample else None,
                    on_rejection=lambda r: echo(str(r), err=True),
                    progress=bar.update,
                    trainee=trainee,
                )
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        except ImportInterrupted as exc:  # Ctrl-C: say what is in, and end as an interrupt does
            echo(str(exc), err=True)
            ctx.exit(130)
        files = "1 file" if report.files == 1 else f"{report.files} files"
        echo(f"imported {report.counts.describe()} from {files} into {path_shown(store.path)}")
        if sample:
            shares = ", ".join(f"{name} {n}" for name, n in sorted(report.sample_shares.items()))
            by = f" by {sample_by}: {shares}" if sample_by else ""
            echo(f"a random sample of {plural(sample, 'record')} (seed {seed}){by}")
            if sample_by and set(report.sample_shares) <= {MISSING}:
                echo(
                    f"warning: no record has the meta field {sample_by!r} (a typo?): the sample is not stratified",
                    err=True,
                )
        for note in report.notes:
            echo(note)
        if trainee:
            _say_trainees(report.trainees)
        if not no_ner:
            _preannotate(store, pipeline, processes)
        if report.rejections:
            echo(f"{report.rejections_line()} (see above)", err=True)
            if report.refused:  # a note on a record that came in is no rejection
                ctx.exit(1)


def _say_trainees(names: list[str]) -> None:
    """Say who the import marked a trainee (the people whose work it brought), or that it marked no one."""
    if not names:
        echo("trainee: no one (no person's work came in)")
        return
    echo(
        f"trainee: {', '.join(names)} "
        "(kept out of gold, review and team agreement until annotator annotators --promote NAME)"
    )


def _preannotate(store: Store, pipeline_name: str | None, processes: int | None, retry_failed: bool = False) -> None:
    pending = store.preannotations.count_unannotated(retry_failed=retry_failed)
    failed = len(store.preannotations.preannotation_failures())
    if not pending:
        if failed and not retry_failed:
            echo(
                f"{plural(failed, 'article')} the pipeline failed on {'is' if failed == 1 else 'are'} left out: "
                "see annotator stats; retry with annotator preannotate --retry-failed"
            )
        return
    from annotator.nlp.pipeline import PipelineError, load_pipeline, preannotate

    try:
        pipeline = load_pipeline(pipeline_name)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    if pipeline.rules_only:
        echo(f"note: {pipeline.description}", err=True)
    saved = [0]  # articles in saved batches, for a Ctrl-C's message

    try:
        with progress_bar("pre-annotating", total=pending, unit="articles") as bar:

            def saved_batch(n: int) -> None:
                saved[0] += n
                bar.update(n)

            done = preannotate(store, pipeline, processes=processes, retry_failed=retry_failed, progress=saved_batch)
    except KeyboardInterrupt:  # Ctrl-C: the batches saved stay (the workers are stopped); say so, as an import does
        echo(
            f"interrupted; pre-annotated before it: {plural(saved[0], 'article')}, saved. "
            "Run annotator preannotate to go on",
            err=True,
        )
        click.get_current_context().exit(130)
    echo(f"pre-annotated {plural(done, 'article')} with {pipeline.description}")
    failures = store.preannotations.preannotation_failures()
    if failures:
        echo(
            f"the pipeline failed on {plural(len(failures), 'article')} (the others are done): see annotator stats; "
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
@PROCESSES
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
    again. The shard format is in docs/big-corpora.md.
    """
    if redo and corpus is not None:
        raise click.UsageError("--redo pre-annotates the project's articles again; it takes no CORPUS")
    if corpus is None:
        if redo and retry_failed:
            raise click.UsageError("--redo already retries the failed articles")
        if out or dask_scheduler:
            raise click.UsageError("--out and --dask-scheduler need a CORPUS.jsonl to read")
        with open_project(ctx, write=True) as store:
            if redo:
                echo(f"pre-annotating {plural(store.preannotations.forget_preannotations(), 'article')} again")
            if not store.preannotations.count_unannotated(retry_failed=retry_failed):
                echo(f"nothing to pre-annotate in {path_shown(store.path)}")
            _preannotate(store, pipeline or store.get_setting("pipeline"), processes, retry_failed)
        return
    if out is None:
        raise click.UsageError("give --out DIR for the shards (or no CORPUS to pre-annotate the project)")
    from annotator.nlp.cluster import ShardError, write_shards

    try:
        with progress_bar("pre-annotating", unit="records") as bar:
            summary = write_shards(
                corpus,
                out,
                pipeline=pipeline,
                scheduler=dask_scheduler,
                workers=processes,
                partition_size=partition_size,
                on_rejection=lambda r: echo(str(r), err=True),
                on_message=lambda m: echo(m, err=True),
                progress=bar.update,
            )
    except ShardError as exc:
        raise click.ClickException(str(exc)) from exc
    echo(summary.describe())
    if summary.rejected:
        ctx.exit(1)
