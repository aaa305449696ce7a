"""`annotator guidelines`: the project's guidelines and their versions."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from annotator.cli.app import Name, echo, echo_json, main, open_project, path_shown, person_name


@main.command()
@click.option(
    "--load",
    "load",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Make this Markdown file the current guidelines (a new version when its text changed).",
)
@click.option("--json", "as_json", is_flag=True, help="List every version (number, time, author, SHA-256) as JSON.")
@click.option("--version", "number", type=click.IntRange(min=1), help="Print version N instead of the current one.")
@click.option("--diff", "versions", type=click.IntRange(min=1), nargs=2, help="What changed from version N to M.")
@click.option(
    "--section",
    "label",
    type=Name("label", lookup=True),
    metavar="LABEL",
    help="Print only the section of this label (its `## LABEL` heading).",
)
@click.option(
    "--examples",
    "examples_of",
    type=Name("label", lookup=True),
    metavar="LABEL",
    help="Examples of LABEL from the project's gold, and the near-misses the review decided.",
)
@click.option(
    "--author",
    help="Whose version this is (with --load; default: a work package's annotator, else ANNOTATOR_NAME or login).",
)
@click.pass_context
def guidelines(
    ctx: click.Context,
    load: Path | None,
    as_json: bool,
    number: int | None,
    versions: tuple[int, int] | None,
    label: str | None,
    examples_of: str | None,
    author: str | None,
) -> None:
    """The project's guidelines: one Markdown document, kept in versions.

    With no option, prints the current version. Every load that changes the text makes a new
    version (its time, author and SHA-256 kept), and every decision records the version it was made
    under (see `agreement --by-guidelines`). A label's section is the text under the heading that
    names it (`## offer`); --examples LABEL shows the label at work in the project's own gold.
    """
    from annotator.guidelines.document import GuidelinesError, diff, read_guidelines, section

    if author is not None:  # first, whatever else is asked: a name no person may have exits 2
        person_name(author.strip(), "--author")
    if load is not None:
        try:
            text = read_guidelines(load)
        except GuidelinesError as exc:
            raise click.ClickException(f"{exc}; nothing was changed") from exc
        with open_project(ctx, write=True) as store:
            who = _author(store, author)
            version, new = store.guidelines.add(text, who)
        if new:
            loaded = f"loaded from {path_shown(load)} ({len(text):,} characters, by {who})"
            echo(f"guidelines version {version.version} {loaded}")
        else:
            echo(f"{path_shown(load)} is the same text as version {version.version}: no new version")
        return
    if examples_of is not None:
        _examples(ctx, examples_of, as_json)
        return
    with open_project(ctx) as store:
        part = store.guidelines
        if as_json:
            rows = [{k: v for k, v in asdict(found).items() if k != "text"} for found in part.versions()]
            echo_json({"versions": rows})
            return
        if versions is not None:
            old, new_version = part.version(versions[0]), part.version(versions[1])
            missing = [n for n, found in zip(versions, (old, new_version), strict=True) if found is None]
            if missing:
                raise click.ClickException(f"no guidelines version {missing[0]} (see annotator guidelines --json)")
            assert old is not None and new_version is not None
            echo(
                diff(old.text, new_version.text, f"version {old.version}", f"version {new_version.version}")
                or f"versions {old.version} and {new_version.version} are the same text",
                nl=False,
            )
            return
        chosen = part.version(number) if number is not None else part.current()
    if chosen is None:
        if number is not None:
            raise click.ClickException(f"no guidelines version {number} (see annotator guidelines --json)")
        raise click.ClickException("this project has no guidelines yet: annotator guidelines --load FILE.md")
    text = chosen.text
    if label is not None:
        found = section(text, label)
        if found is None:
            raise click.ClickException(f"guidelines version {chosen.version} has no section headed {label[:60]!r}")
        text = found
    echo(text, nl=False)


def _author(store, given: str | None) -> str:
    """Whose guidelines version this is: in a work package its annotator (another `--author` is
    refused there, as `import --annotator` is); elsewhere `given`, else ANNOTATOR_NAME or the login name."""
    from annotator.packages.who import NotThePackagesAnnotator, writing_annotator

    try:
        who = writing_annotator(store, given.strip() if given else None, "--author").strip()
    except NotThePackagesAnnotator as exc:
        raise click.ClickException(str(exc)) from exc
    return person_name(who, "--author")


def _examples(ctx: click.Context, label: str, as_json: bool) -> None:
    from annotator.guidelines.examples import examples_text, label_examples
    from annotator.schemes.labels import unknown_labels

    with open_project(ctx) as store:
        unknown = unknown_labels(store, [label])
        if unknown:
            raise click.ClickException(unknown)
        examples, near = label_examples(store, label)
    if as_json:
        found = {
            "label": label,
            "examples": [e.as_dict() for e in examples],
            "near_misses": [e.as_dict() for e in near],
        }
        echo_json(found)
    else:
        echo(examples_text(label, examples, near))


@main.command()
@click.option(
    "--trainee", "make_trainee", metavar="NAME", help="Mark NAME a trainee (their work leaves gold and review)."
)
@click.option("--promote", metavar="NAME", help="Promote trainee NAME: their work joins gold, review and agreement.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def annotators(ctx: click.Context, make_trainee: str | None, promote: str | None, as_json: bool) -> None:
    """The project's layers: each person (and whether a trainee), the gold layer, models' output, with
    the guidelines versions each one's decisions were made under.

    A trainee's work never enters gold, review or team agreement until promoted; `agreement
    --against gold` and `calibrate --report` score it.
    """
    from annotator.records import HUMAN_LAYER

    if make_trainee and promote:
        raise click.UsageError("give one of --trainee and --promote")
    name = make_trainee or promote
    if name is not None:
        name = name.strip()
        person_name(name, "--trainee" if make_trainee else "--promote")  # no ESC stored as a trainee
        with open_project(ctx, write=True) as store:
            kinds = store.layers.layer_kinds()
            trainees = sorted(store.guidelines.trainees())
            if promote and name not in trainees:
                raise click.ClickException(f"{name} is not a trainee here (trainees: {', '.join(trainees) or 'none'})")
            if kinds.get(name, HUMAN_LAYER) != HUMAN_LAYER:
                raise click.ClickException(f"{name} is not a person's layer ({kinds[name]})")
            changed = store.guidelines.set_trainee(name, bool(make_trainee))
        if make_trainee:
            echo(f"{name} is {'now' if changed else 'already'} a trainee: their work stays out of gold and review")
        else:
            echo(f"{name} is promoted: their work now counts in gold, review and agreement")
        return
    with open_project(ctx) as store:
        kinds = store.layers.layer_kinds()
        trainees = store.guidelines.trainees()
        versions = store.guidelines.decided_under()
    rows = [
        {
            "name": layer,
            "kind": kind,
            "trainee": layer in trainees,
            "guidelines_versions": versions.get(layer, []),
        }
        for layer, kind in kinds.items()
    ]
    if as_json:
        echo_json({"annotators": rows})
        return
    if not rows:
        echo("no annotators yet")
    for row in rows:
        role = "trainee" if row["trainee"] else row["kind"]
        # the versions their labels and finished articles were made under; "before guidelines": made while
        # the project had none; no versions at all: no work yet
        under = ", ".join("before guidelines" if v is None else f"v{v}" for v in row["guidelines_versions"])
        echo(f"{row['name']}  {role}  guidelines: {under or 'no work yet'}")
