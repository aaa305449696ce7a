"""`annotator export`: the rule, the file, the account."""

from __future__ import annotations

from pathlib import Path

import click

from annotator import formats
from annotator.cli.app import (
    Name,
    echo,
    echo_json,
    main,
    open_project,
    progress_bar,
    quiet_stdout,
)
from annotator.cli.registry import (
    FormatChoice,
    LiveHelpOption,
    RegistryCommand,
    export_formats,
    export_option_params,
)
from annotator.store import StoreError
from annotator.text import path_shown


def _export_help() -> str:
    from annotator.export.rule import rule_text

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
@click.option(
    "--annotator",
    type=Name("annotator", lookup=True),
    help="This annotator's layer (or a model's: model:VERSION, interchange formats only).",
)
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
@click.option(
    "--labels",
    "labels_csv",
    type=Name("label", listed=True, lookup=True),
    metavar="A,B",
    help="Only these labels (comma-separated).",
)
@click.option(
    "--category-groups",
    "groups_csv",
    type=Name("category group", listed=True, lookup=True),
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
    from annotator.export.rule import choose_rule
    from annotator.export.run import (
        ExportError,
        ExportRefused,
        check_destination,
        count_records,
        export,
        format_for,
        format_options,
    )

    if fmt is None and _named_as_a_project(out):
        raise click.UsageError(
            f"{path_shown(out)} is named as a project file (.sqlite), but an export writes a format's text "
            "(Prodigy JSONL, unless --format names another) that no import would read as a project. "
            "To give a teammate your work, send a copy of the project file itself (annotator backup makes "
            "a checked one); to export JSONL, name the file .jsonl, or pass --format jsonl to keep this name"
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
            echo_json({**account, "ok": False, "error": message}, err=True)
        else:
            if summary is not None and summary.records:
                for line in summary.lines()[1:]:
                    echo(line, err=True)
            echo(f"Error: {message}", err=True)
        ctx.exit(1)

    with open_project(ctx) as store:
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
            with progress_bar("exporting", total=lambda: count_records(store, rule), unit="records") as bar:
                summary = export(store, out, rule, progress=bar.update, **options)
        except ExportRefused as exc:
            fail(str(exc))
        except ExportError as exc:
            if out == "-":
                quiet_stdout()  # what could not be written must not come back as a traceback at exit
            fail(str(exc), exc.summary)
        except StoreError as exc:
            fail(str(exc))
    if as_json:
        echo_json(summary.as_dict(), err=to_stderr)
    else:
        for line in summary.lines():
            echo(line, err=to_stderr)
        for warning in summary.warnings[:SHOWN_WARNINGS]:
            echo(f"warning: {warning}", err=True)
        if len(summary.warnings) > SHOWN_WARNINGS:
            echo(f"… and {len(summary.warnings) - SHOWN_WARNINGS} more warnings (--json lists them all)", err=True)
    ctx.exit(0 if summary.ok else 1)


#: How many per-item warnings `export` prints (the JSON account has them all).
SHOWN_WARNINGS = 50


def _named_as_a_project(out: str) -> bool:
    """Whether `out` ends as project files do (the project format's endings: `.sqlite`, `.db`…): a
    format's text under such a name reads as a broken project to whoever gets it."""
    return str(out) != "-" and Path(str(out)).suffix.lower() in formats.get("project").suffixes
