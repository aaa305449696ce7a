"""`annotator actors`: the project's actors (who is who): list, load, dump, seed, edit, resolve, their statements."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from annotator.cli.app import Name, echo, echo_json, main, open_project
from annotator.text import path_shown


@main.command("actors")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the actors (or, with --statements/--resolve, the result) as JSON."
)
@click.option(
    "--patterns", is_flag=True, help="Print the actors as spaCy EntityRuler patterns (JSONL, the actor as id)."
)
@click.option(
    "--load",
    "load_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add or update the actors of FILE (JSON, JSONL or EntityRuler patterns; docs/actors.md).",
)
@click.option(
    "--seed", is_flag=True, help="Add an actor for every new name among the PERSON, ORG, GPE and NORP entities."
)
@click.option(
    "--merge",
    nargs=2,
    type=Name("actor name", lookup=True),
    metavar="KEEP GONE",
    help="Fold actor GONE into KEEP (its name becomes an alias).",
)
@click.option(
    "--rename",
    type=(Name("actor name", lookup=True), Name("actor name")),  # NEW is written: the whole name rule
    metavar="ACTOR NEW",
    help="Rename ACTOR to NEW (the old name stays an alias).",
)
@click.option(
    "--alias",
    type=(Name("actor name", lookup=True), Name("alias")),  # ALIAS is written: the whole name rule
    metavar="ACTOR ALIAS",
    help="Give ACTOR another name.",
)
@click.option(
    "--metonym",
    type=(Name("actor name", lookup=True), Name("alias")),  # WORDS are written as an alias
    metavar="ACTOR WORDS",
    help="Let WORDS stand for ACTOR (Kyiv for Ukraine).",
)
@click.option(
    "--retire",
    type=Name("actor name", lookup=True),
    metavar="ACTOR",
    help="Retire ACTOR: kept with its mentions, no longer offered.",
)
@click.option(
    "--statements",
    type=Name("actor name", lookup=True),
    metavar="ACTOR",
    help="Every statement ACTOR made or was the target of, by date.",
)
@click.option("--resolve", is_flag=True, help="Resolve every speaker and target link end to an actor and store it.")
@click.pass_context
def actors_cmd(
    ctx: click.Context,
    as_json: bool,
    patterns: bool,
    load_file: Path | None,
    seed: bool,
    merge: tuple[str, str] | None,
    rename: tuple[str, str] | None,
    alias: tuple[str, str] | None,
    metonym: tuple[str, str] | None,
    retire: str | None,
    statements: str | None,
    resolve: bool,
) -> None:
    """Who is who: the project's actors (people, states, organisations, media, anonymous sources)
    with their aliases, metonyms and dated titles; without an option, lists them.

    Each option is one action, and one at a time; those that write say what they wrote.
    --resolve never replaces an actor a user chose for a mention. See docs/actors.md.
    """
    from annotator.store.actors import ActorError, NotTheActor

    actions = [
        load_file,
        seed or None,
        merge,
        rename,
        alias,
        metonym,
        retire,
        statements,
        resolve or None,
        patterns or None,
    ]
    if sum(a is not None for a in actions) > 1:
        raise click.UsageError(
            "one action at a time: --load, --seed, --merge, --rename, --alias, --metonym, "
            "--retire, --statements, --resolve or --patterns"
        )
    writes = any(
        a is not None for a in (load_file, seed or None, merge, rename, alias, metonym, retire, resolve or None)
    )
    try:
        with open_project(ctx, write=writes) as store:
            _run(store, as_json, patterns, load_file, seed, merge, rename, alias, metonym, retire, statements, resolve)
    except NotTheActor as exc:  # the way out: the same command naming the actor itself
        options = {"--merge": merge, "--rename": rename, "--alias": alias, "--metonym": metonym, "--retire": retire}
        option, given = next(((o, v) for o, v in options.items() if v), ("", ""))
        values = [given] if isinstance(given, str) else list(given)
        fixed = " ".join(shlex.quote(exc.actor if v == exc.words else v) for v in values)
        way_out = f"{option} {fixed}" if option else repr(exc.actor)
        raise click.ClickException(
            f"{exc.words[:60]!r} is {exc.how} of {exc.actor}; name the actor: {way_out}"
        ) from exc
    except ActorError as exc:
        raise click.ClickException(str(exc)) from exc


def _run(store, as_json, patterns, load_file, seed, merge, rename, alias, metonym, retire, statements, resolve) -> None:
    from annotator.actors import registry

    if load_file is not None:
        loaded = registry.read_actor_file(load_file)
        added, updated = store.actors.load(loaded.actors, loaded.from_patterns)
        unchanged = len(loaded.actors) - added - updated
        echo(
            f"{path_shown(load_file)}: {added} actors added, {updated} updated, {unchanged} unchanged "
            f"({store.actors.count()} in the project)"
        )
    elif seed:
        from annotator.actors.registry import KIND_OF_LABEL

        found = registry.seed_actors(store.actors.entity_names(sorted(KIND_OF_LABEL)), store.actors.actors())
        added, _ = store.actors.load(found)
        echo(f"{added} actors added from the project's entities ({store.actors.count()} in the project)")
        echo("edit them: annotator actors --json > actors.json, then annotator actors --load actors.json")
    elif merge:
        keep, gone = (store.actors.actor(n) for n in merge)  # the names of the actors really merged
        moved = store.actors.merge(*merge)
        echo(f"merged {gone.name!r} into {keep.name!r}: its name is now an alias; {moved} resolved mentions moved")
    elif rename:
        old = store.actors.rename(*rename)
        if old == " ".join(rename[1].split()):
            echo(f"{old!r} is already the actor's name; nothing changed")
        else:
            echo(f"renamed {old!r} to {rename[1]!r} (the old name stays an alias)")
    elif alias or metonym:
        actor, words = alias or metonym
        name = store.actors.add_alias(actor, words, "name" if alias else "metonym")
        echo(f"{words!r} is now {'an alias' if alias else 'a metonym'} of {name!r}")
    elif retire:
        before = store.actors.set_retired(retire)
        name = store.actors.actor(retire).name  # the actor really retired
        echo(f"{name!r} was already retired" if before else f"retired {name!r} (its mentions are kept)")
    elif statements:
        _statements(store, statements, as_json)
    elif resolve:
        from annotator.actors.resolve import resolve_links

        report = resolve_links(store)
        if as_json:
            echo_json(report.as_dict())
            return
        how = ", ".join(f"{n} by {k}" for k, n in sorted(report.by_how.items())) or "none"
        echo(f"{report.ends} speaker/target link ends: resolved {how}; {report.written} stored")
        if report.kept_user:
            echo(f"{report.kept_user} kept as a user chose them")
        if report.new_actors:
            echo(f"{len(report.new_actors)} anonymous actors made: {', '.join(report.new_actors[:10])}")
        if report.unresolved:
            echo(f"{len(report.unresolved)} unresolved (add an alias or choose in the window):")
            for article_id, words in report.unresolved[:20]:
                echo(f"  article {article_id}: {words}")
    elif patterns:
        for row in registry.ruler_patterns(store.actors.actors()):
            echo_json(row, indent=None)
    elif as_json:
        echo_json(registry.dump_actors(store.actors.actors()))
    else:
        _table(store.actors.actors())


def _table(actors) -> None:
    if not actors:
        echo("no actors yet: annotator actors --load FILE, or --seed from the project's entities")
        return
    for a in actors:
        extra = [a.kind] + ([a.side] if a.side else []) + (["retired"] if a.retired else [])
        names = ", ".join(x for x, _ in a.aliases)
        echo(f"{a.name} ({', '.join(extra)})" + (f": {names}" if names else ""))
    echo(f"{len(actors)} actors")


def _statements(store, name: str, as_json: bool) -> None:
    found = store.actors.statements(name)
    actor = store.actors.actor(name)
    if as_json:
        echo_json({"actor": actor.name, "statements": [s.as_dict() for s in found]})
        return
    for s in found:
        role = "said" if s.role == "speaker" else "target of"
        labels = ",".join(s.labels) or "-"
        echo(f"{s.date or '(no date)'}  {role:9}  {labels:12}  {s.title[:30]}  {s.text[:100]}")
    echo(f"{len(found)} statements of {actor.name}")
