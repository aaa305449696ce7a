"""`annotator suggest`: who said each statement, to whom, resolved to actors; one JSON object a line."""

from __future__ import annotations

import click

from annotator.cli.app import echo, echo_json, main, open_project


@main.command("suggest")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per statement with a suggestion (JSONL).")
@click.option("--article", "article_ids", type=int, multiple=True, help="Only this article (repeatable).")
@click.option("--pipeline", default=None, help="The spaCy pipeline for the parse (default: the installed one).")
@click.pass_context
def suggest_cmd(ctx: click.Context, as_json: bool, article_ids: tuple[int, ...], pipeline: str | None) -> None:
    """Suggest who said each statement and to whom: the speaker and target mentions, each resolved
    to an actor of the project, with the cue that found them. Nothing is stored.

    With --json, one object a line, written as each article is parsed:
    {"article", "source", "statement": [start, end], "speaker": {"start", "end", "text", "actor",
    "cue"} | null, "target": {…} | null}; offsets are code points of the article's text. Without it,
    one line per statement. See docs/actors.md.
    """
    from annotator.actors.resolve import Registry
    from annotator.nlp.attribution import suggest_statements
    from annotator.nlp.pipeline import PipelineError
    from annotator.nlp.speakers import parser_pipeline
    from annotator.passages import split_at_breaks
    from annotator.store.actors import article_date

    with open_project(ctx) as store:
        known = store.articles.article_ids()
        missing = sorted(set(article_ids) - set(known))
        if missing:
            raise click.BadParameter(
                f"no article {', '.join(map(str, missing))} in the project", param_hint="--article"
            )
        try:
            nlp = parser_pipeline(pipeline)
        except PipelineError as exc:
            raise click.ClickException(str(exc)) from exc
        registry = Registry.of(store.actors.actors())
        made = 0
        for article_id in article_ids or known:
            article = store.articles.article(article_id)
            sentences = store.articles.sentences(article_id)
            if not sentences:
                note = f"note: article {article_id} has no sentences yet; `annotator preannotate` makes them"
                echo(note, err=True)
                continue
            units = split_at_breaks(sentences, article.text)
            found = suggest_statements(
                nlp, article.text, units, store.entities.entities(article_id), registry, article_date(article.meta)
            )
            for (a, b), s in found.items():
                made += 1
                if as_json:
                    record = {
                        "article": article_id,
                        "source": article.source,
                        "statement": [a, b],
                        "speaker": s.speaker.as_dict() if s.speaker else None,
                        "target": s.target.as_dict() if s.target else None,
                    }
                    echo_json(record, indent=None)
                else:
                    who = _said(s.speaker) if s.speaker else "?"
                    to = f" → {_said(s.target)}" if s.target else ""
                    echo(f"{article_id}:{a}-{b}  {who}{to}  | {' '.join(article.text[a:b].split())[:80]}")
        if not as_json:
            echo(f"{made} statements with a suggestion in {len(article_ids or known)} articles", err=True)


def _said(m) -> str:
    return f"{m.text} [{m.actor}]" if m.actor else m.text
