"""A link end's actor chosen by keyboard: A accepts or changes it, Shift+A picks which end.

On the current statement, the ends of its speaker and target links (the link types that end on
entities) are taken in order. **Shift+A** moves to the next end (it writes nothing and says which
end is picked). **A** writes, as the user's choice, the actor of the picked end (by default the
first end no user has chosen for, else the first; once A changes a choice it stays on that end
until Shift+A): the first press takes the suggested actor (the one stored by
`annotator actors --resolve`, else what `annotator.actors.resolve` finds for the words now); each
further press changes it to the next candidate: the actors named before it in the article,
nearest first. Each press is one committed, undoable change and the status bar says what it wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from annotator.ui.annotate.session import Session, _Command

if TYPE_CHECKING:
    from annotator.records import Link, LinkType
    from annotator.store.actors import MentionActor

Span = tuple[int, int]
#: The most candidates one end cycles through.
MOST_CANDIDATES = 8


class LinkController(Protocol):
    """What the actor choice needs of link mode (`link_mode.LinkController`), named here so that
    link mode may use the actor choice without the two importing each other."""

    session: Session
    types: Sequence[LinkType]
    actors: dict[Span, str]

    def outgoing(self) -> list[Link]: ...

    def refresh(self) -> None: ...


def link_ends(controller: LinkController) -> list[tuple[str, Span]]:
    """(link type, end) of the current statement's links to entities, speaker first, each end once."""
    kinds = {t.name for t in controller.types if t.to_entities and not t.to_statements}
    found: dict[Span, str] = {}
    for link in sorted(controller.outgoing(), key=lambda k: (k.label != "speaker", k.label, k.child)):
        if link.label in kinds:
            found.setdefault(link.child, link.label)
    return [(label, end) for end, label in found.items()]


def candidates(controller: LinkController, end: Span) -> list[str]:
    """The actors an end may stand for, the suggested one first, then those named before it (nearest first)."""
    from annotator.actors.resolve import CONTEXT_LABELS, Registry, resolve_article
    from annotator.store.actors import actor_key, article_date

    s = controller.session
    article = s.article
    registry = Registry.of(s.store.actors.actors())
    entities = s.store.entities.entities(article.id)
    out: list[str] = []
    stored = s.store.actors.mention(article.id, *end)
    if stored is not None:
        out.append(stored.actor)
    resolved = resolve_article(registry, article.text, article_date(article.meta), entities, [end]).get(end)
    if resolved is not None:
        out.append(resolved.actor.name)
    before = sorted((e for e in entities if e.label in CONTEXT_LABELS and e.end <= end[0]), key=lambda e: -e.start)
    after = sorted((e for e in entities if e.label in CONTEXT_LABELS and e.start >= end[1]), key=lambda e: e.start)
    for e in [*before, *after]:
        named = registry.named([w.removesuffix("'s") for w in actor_key(article.text[e.start : e.end]).split()])
        if named is not None:
            out.append(named[0].name)
    out += [name for (a, b), name in sorted(controller.actors.items()) if (a, b) != end]
    return list(dict.fromkeys(out))[:MOST_CANDIDATES]


class ActorChoice:
    """Which end A writes to, per statement (Shift+A moves it)."""

    def __init__(self, controller: LinkController):
        self.controller = controller
        self.picked: dict[Span, Span] = {}

    def _end(self, ends: list[tuple[str, Span]]) -> tuple[str, Span]:
        s = self.controller.session
        chosen = self.picked.get(s.current)
        for label, end in ends:
            if end == chosen:
                return label, end
        for label, end in ends:  # the first end nobody chose an actor for
            m = s.store.actors.mention(s.article.id, *end)
            if m is None or m.how != "user":
                return label, end
        return ends[0]

    def next_end(self) -> None:
        """Shift+A: pick the next link end of the statement (writes nothing)."""
        c = self.controller
        ends = link_ends(c)
        if not ends:
            c.message.emit("no speaker or target link on this statement (S or T links one)")
            return
        label, end = self._end(ends)
        i = [e for _, e in ends].index(end)
        label, end = ends[(i + 1) % len(ends)]
        self.picked[c.session.current] = end
        c.message.emit(f"A now chooses the actor of the {label}: {self._words(end)} (nothing written)")

    def choose(self) -> None:
        """A: write the picked end's actor as the user's choice (the suggestion, then the next candidate)."""
        c = self.controller
        s = c.session
        if s.article is None or s.current is None:
            c.message.emit("pick a statement first (↓ or a click)")
            return
        ends = link_ends(c)
        if not ends:
            c.message.emit("no speaker or target link on this statement (S or T links one)")
            return
        label, end = self._end(ends)
        found = candidates(c, end)
        if not found:
            c.message.emit(f"no actor for {self._words(end)}: add one in Edit ▸ Actors…")
            return
        before = s.store.actors.mention(s.article.id, *end)
        if before is None or before.how != "user":
            actor = found[0]
        else:  # changing a choice: A stays on this end until Shift+A
            self.picked[s.current] = end
            actor = found[(found.index(before.actor) + 1) % len(found)] if before.actor in found else found[0]
        what = f"{label} {self._words(end)} is {actor} (your choice)"
        s.push(_ActorCommand(c, s.article.id, s.current, end, actor, before, what))

    def _words(self, end: Span) -> str:
        text = self.controller.session.article.text
        return f"“{' '.join(text[end[0] : end[1]].split())}”"


class _ActorCommand(_Command):
    """One end's actor set as the user's choice; undo puts back what it stood for before."""

    def __init__(
        self,
        controller: LinkController,
        article_id: int,
        statement: Span,
        end: Span,
        actor: str,
        before: MentionActor | None,
        what: str,
    ):
        super().__init__(controller.session, article_id, what)
        self.controller, self.statement, self.end, self.actor, self.before = controller, statement, end, actor, before

    def span(self) -> Span:
        return self.statement

    def _done(self) -> None:
        if self.session.article_id == self.article_id:
            self.controller.refresh()

    def apply(self) -> None:
        self.session.store.actors.set_mention(self.article_id, *self.end, self.actor, "user")
        self._done()

    def revert(self) -> None:
        actors = self.session.store.actors
        actors.clear_mention(self.article_id, *self.end)
        if self.before is not None:
            actors.set_mention(self.article_id, *self.end, self.before.actor, self.before.how)
        self._done()
