"""`annotator train` and `annotator rules`: the model in the loop."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.app import (
    Name,
    echo,
    echo_json,
    echo_json_text,
    main,
    open_project,
    path_shown,
    progress_bar,
)

#: The parts of the export rule that choose a statement classifier's examples (the rule's paragraphs
#: on CoNLL's entities and on article categories are about what training never reads).
TRAINING_PARTS = ("Which layer", "Which articles", "What a missing label means")


def _train_help() -> str:
    from annotator.export.rule import RULE

    rule = "\n\n".join(part for part in RULE.split("\n\n") if part.startswith(TRAINING_PARTS))
    return (
        "Train a statement classifier (spaCy textcat_multilabel) on the project's statements, and keep it "
        "as the project's latest model (the window's suggestions).\n\n"
        "The examples are exactly what `annotator export --format textcat` writes: one layer, finished "
        "articles only, labeled statements positive, the other sentences of finished articles negative. "
        "A seeded share is held out (stratified by label) to measure the model: per-label precision, "
        "recall and F1, and their macro F1. Labels with fewer than 10 examples are named as too few to learn."
        "\n\n\b\n" + rule.replace("\n\n", "\n\n\b\n") + "\n\n"
        "The model is kept in the user's data folder (models/, one folder per project; `--json` says where); "
        "--output DIR also writes it as a spaCy pipeline that spacy.load(DIR) runs without Annotator."
    )


@main.command("train", help=_train_help(), short_help="Train a statement classifier on the project's labels.")
@click.option("--annotator", type=Name("annotator", lookup=True), help="Train on this annotator's layer.")
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
    from annotator.export.rule import ExportRefused
    from annotator.learn.models import ModelFolderError
    from annotator.learn.project import NothingToLearn, train_project

    if annotator is not None and gold:
        raise click.UsageError("give --annotator NAME or --gold, not both")
    with open_project(ctx) as store:
        try:
            with progress_bar("training", unit="batches") as bar:

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
                echo_json({"ok": False, "error": str(exc)})
                ctx.exit(1)
            raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json({"ok": True, **report.as_dict()})
        return
    for line in report.lines():
        echo(line)
    for warning in report.warnings:
        echo(f"warning: {warning}", err=True)


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
        with open_project(ctx) as store:
            # a phrase's zero-width space shown as \u200b: edited and loaded back, it stays as it was
            echo_json_text(rules_jsonl(project_rules(store)), nl=False, invisible=True)
        return
    if reset:
        with open_project(ctx, write=True) as store:
            save_rules(store, None)
        echo("the project uses the default rules again")
        return
    rules, rejections = read_rules_file(load)
    if not rejections:
        rejections = validate_rules(rules, str(load))
    for rejection in rejections:
        echo(str(rejection), err=True)
    if rejections:
        raise click.ClickException(f"{len(rejections)} rules rejected (see above); the project's rules are unchanged")
    with open_project(ctx, write=True) as store:
        save_rules(store, rules)
    echo(f"{len(rules)} rules from {path_shown(load)} are the project's")
