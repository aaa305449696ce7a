"""Resolution: which actor a mention stands for, at the article's date.

A mention (the words a speaker or target link ends on) is tried, in order:

1. its whole name, an alias or a metonym ("Zelenskyy", "Kyiv" → Ukraine) → `alias` / `metonym`;
2. a title held on the article's date, compared by content words with nationality adjectives read
   as their state ("the Ukrainian president" and "President of Ukraine" are {president, ukraine})
   → `title`;
3. the longest run of its words that is a name ("Kremlin spokesman Dmitry Peskov",
   "President Zelensky") → `alias`;
4. a pronoun ("he", "they") → the nearest actor before it of a kind that fits → `pronoun`;
5. a description whose head is an office ("the president", "the spokesman") → the nearest person
   before it holding such a title that day, else the nearest person → `description`;
6. an unnamed source ("senior Ukrainian officials", "sources", "a diplomat") → an anonymous
   actor of its own, "sources: senior Ukrainian officials", sided with the state its words name
   → `anonymous` (never dropped).

"Before it" is this module's small coreference step: the article's named entities and link ends,
in text order, each resolved by steps 1–3. It reads the stored entities, not a fresh parse, so
resolving a whole project costs no pipeline run. No maintained coreference library installs
offline here: coreferee needs a language model fetched from GitHub, fastcoref needs torch and
transformer weights from the Hugging Face hub.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.records import Entity
from annotator.store.actors import Actor, MentionActor, Title, actor_key

PRONOUNS = {
    "he": ("person",),
    "him": ("person",),
    "his": ("person",),
    "she": ("person",),
    "her": ("person",),
    "it": ("state", "organisation", "media"),
    "its": ("state", "organisation", "media"),
    "they": ("state", "organisation", "media", "person"),
    "them": ("state", "organisation", "media", "person"),
    "their": ("state", "organisation", "media", "person"),
    "we": ("state", "organisation", "person"),
    "us": ("state", "organisation", "person"),
    "our": ("state", "organisation", "person"),
}
# fmt: off
#: Head words of a description that stands for a person named before ("the president").
OFFICES = frozenset({
    "president", "leader", "minister", "premier", "chancellor", "spokesman", "spokeswoman", "spokesperson",
    "secretary", "envoy", "ambassador", "commander", "chief", "head", "negotiator", "adviser", "advisor",
})
#: Head words of an unnamed source.
UNNAMED = frozenset({
    "official", "officials", "source", "sources", "diplomat", "diplomats", "aide", "aides", "insider",
    "insiders", "person", "people", "negotiator", "negotiators", "officer", "officers", "analyst", "analysts",
})
# fmt: on
_STOP = frozenset({"of", "the", "a", "an", "'s", "s", "for", "and"})
_DETERMINERS = re.compile(r"^(?:the|a|an|one|some|several|two|three|four|other|many)\s+", re.IGNORECASE)
_DEMONYM_ENDINGS = ("ian", "an", "n", "ese", "ish", "i")
ANONYMOUS_PREFIX = "sources: "
Span = tuple[int, int]


@dataclass(frozen=True)
class Resolved:
    """The actor a mention stands for and how it was found; `new` when it is an anonymous actor not yet stored."""

    actor: Actor
    how: str
    new: bool = False


@dataclass
class Registry:
    """The project's active actors, indexed for resolution (made once per run)."""

    actors: list[Actor]
    names: dict[str, tuple[Actor, str]] = field(default_factory=dict)
    titles: list[tuple[frozenset[str], Title, Actor]] = field(default_factory=list)
    states: list[tuple[str, Actor]] = field(default_factory=list)
    longest: int = 1

    @classmethod
    def of(cls, actors: Iterable[Actor]) -> Registry:
        reg = cls([a for a in actors if not a.retired])
        for actor in reg.actors:
            reg.add(actor)
        # a title's words are read once every state is known ("President of the United States")
        reg.titles = [(reg._content(actor_key(t.title).split()), t, a) for _, t, a in reg.titles]
        return reg

    def add(self, actor: Actor) -> None:
        self.names[actor_key(actor.name)] = (actor, "alias")
        for alias, kind in actor.aliases:
            self.names.setdefault(actor_key(alias), (actor, "metonym" if kind == "metonym" else "alias"))
        if actor.kind == "state":
            self.states.append((actor_key(actor.name), actor))
        self.longest = max([self.longest, *(len(k.split()) for k in self.names)])
        for title in actor.titles:
            self.titles.append((self._content(actor_key(title.title).split()), title, actor))

    def state_of(self, word: str) -> Actor | None:
        """The state a word names: its name, a metonym or alias of it, or its nationality adjective."""
        found = self.names.get(word)
        if found and found[0].kind == "state":
            return found[0]
        for key, actor in self.states:
            stem = key[:-1] if len(key) >= 4 else ""
            if stem and word.startswith(stem) and word[len(stem) :] in _DEMONYM_ENDINGS and word != key:
                return actor
        return None

    def _content(self, words: Sequence[str]) -> frozenset[str]:
        """Content words, each run of words naming a state (the longest first) read as that state."""
        words = [w for w in words if w not in _STOP]
        out, i = set(), 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                found = self.names.get(" ".join(words[i : i + n])) if n > 1 else None
                state = found[0] if found and found[0].kind == "state" else None
                if n == 1:
                    state = self.state_of(words[i])
                if state is not None:
                    out.add(actor_key(state.name))
                    i += n
                    break
            else:
                out.add(words[i])
                i += 1
        return frozenset(out)

    def named(self, words: list[str]) -> tuple[Actor, str] | None:
        """Steps 1 and 3: the whole phrase, else its longest run of words that is a name (the last of
        equals). A run before the phrase's last word names its actor only when that is a person
        ("Zelensky's office"); a state or outlet there is a modifier ("the Kyiv Independent",
        "Kremlin spokesman" of "Kremlin spokesman Dmitry Peskov")."""
        whole = self.names.get(" ".join(words))
        if whole:
            return whole
        for n in range(min(self.longest, len(words) - 1), 0, -1):
            for i in range(len(words) - n, -1, -1):
                found = self.names.get(" ".join(words[i : i + n]))
                if found and (i + n == len(words) or found[0].kind == "person"):
                    return found
        return None

    def titled(self, words: list[str], date: str) -> Actor | None:
        """Step 2: the one actor holding, on `date`, the title these words are."""
        content = self._content(words)
        if len(content) < 2:
            return None
        holders = {a.name: a for c, t, a in self.titles if c == content and t.valid_on(date)}
        if len(holders) > 1 and not date:  # no date: the title's present holder
            holders = {a.name: a for c, t, a in self.titles if c == content and not t.valid_to}
        return next(iter(holders.values())) if len(holders) == 1 else None


def resolve_mention(registry: Registry, words_text: str, date: str, before: Sequence[Actor] = ()) -> Resolved | None:
    """The actor `words_text` (a mention) stands for; `before` are the actors resolved before it in the
    article, nearest last. See the module docstring for the order of the steps."""
    words = [w.removesuffix("'s") for w in actor_key(words_text).split()]
    if not words:
        return None
    if (whole := registry.names.get(" ".join(words))) is not None:
        return Resolved(whole[0], whole[1])
    if (holder := registry.titled(words, date)) is not None:
        return Resolved(holder, "title")
    if (named := registry.named(words)) is not None and words[-1] not in UNNAMED:
        return Resolved(named[0], named[1])
    if len(words) == 1 and words[0] in PRONOUNS:
        kinds = PRONOUNS[words[0]]
        for actor in reversed(before):
            if actor.kind in kinds:
                return Resolved(actor, "pronoun")
        return None
    head = words[-1]
    if head in OFFICES:
        people = [a for a in reversed(before) if a.kind == "person"]
        state = next((x for w in words if (x := registry.state_of(w)) is not None), None)
        if state is not None:  # "Russia's foreign minister": a person of that side only
            people = [a for a in people if a.side == state.name]
        holding = [a for a in people if any(head in actor_key(t.title).split() and t.valid_on(date) for t in a.titles)]
        if holding or people:
            return Resolved((holding or people)[0], "description")
        return None
    if head in UNNAMED or (len(words) > 1 and words[-2] in UNNAMED):
        actor = anonymous_actor(registry, words_text)
        return Resolved(actor, "anonymous", new=actor.id == 0)
    return None


def anonymous_actor(registry: Registry, words_text: str) -> Actor:
    """The anonymous actor for an unnamed source, sided with the state its words name."""
    phrase = _DETERMINERS.sub("", " ".join(words_text.split()))
    name = ANONYMOUS_PREFIX + phrase[:150]
    known = registry.names.get(actor_key(name))
    if known is not None:
        return known[0]
    side = next((s.name for w in actor_key(phrase).split() if (s := registry.state_of(w)) is not None), "")
    return Actor(0, name, "anonymous", side)


# -- an article's link ends ---------------------------------------------------------------------

#: Entity labels whose mentions set the scene for pronouns and descriptions.
CONTEXT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def resolve_article(
    registry: Registry, text: str, date: str, entities: Iterable[Entity], ends: Iterable[Span]
) -> dict[Span, Resolved]:
    """Every link end of one article resolved where it can be, in text order, each pronoun or
    description through the actors named before it (entities and earlier link ends)."""
    scene: list[tuple[int, int, Span | None]] = [(e.start, 1, None) for e in entities if e.label in CONTEXT_LABELS]
    scene += [(a, 0, (a, b)) for a, b in set(ends)]
    scene.sort(key=lambda item: (item[0], item[1]))
    entity_at = {e.start: e for e in entities if e.label in CONTEXT_LABELS}
    before: list[Actor] = []
    found: dict[Span, Resolved] = {}
    for start, is_entity, span in scene:
        if is_entity:
            e = entity_at[start]
            named = registry.named([w.removesuffix("'s") for w in actor_key(text[e.start : e.end]).split()])
            if named is not None:
                before.append(named[0])
            continue
        assert span is not None
        resolved = resolve_mention(registry, text[span[0] : span[1]], date, before)
        if resolved is None:
            continue
        if resolved.new:
            registry.add(resolved.actor)
        found[span] = resolved
        if resolved.actor.kind != "anonymous":
            before.append(resolved.actor)
    return found


@dataclass
class ResolveReport:
    """What `resolve_links` did: link ends seen, resolved per how, written, anonymous actors made, and
    the ends left unresolved (article, words)."""

    ends: int = 0
    by_how: Counter[str] = field(default_factory=Counter)
    written: int = 0
    kept_user: int = 0
    new_actors: list[str] = field(default_factory=list)
    unresolved: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ends": self.ends,
            "resolved": dict(sorted(self.by_how.items())),
            "written": self.written,
            "kept_user_choice": self.kept_user,
            "new_anonymous_actors": self.new_actors,
            "unresolved": [{"article": a, "text": t} for a, t in self.unresolved],
        }


def resolve_links(store, link_types: Sequence[str] | None = None) -> ResolveReport:
    """Resolve every speaker and target link end of the project (every layer) and store the actors,
    in one transaction; a user's choice is kept (`store.actors.set_mentions`)."""
    from annotator.schemes.links import project_link_types
    from annotator.store.actors import article_date

    types = set(link_types or [t.name for t in project_link_types(store) if t.to_entities and not t.to_statements])
    ends: dict[int, set[Span]] = {}
    for article_id, _, link in store.links.all_links():
        if link.label in types:
            ends.setdefault(article_id, set()).add(link.child)
    registry = Registry.of(store.actors.actors())
    report = ResolveReport()
    found: list[MentionActor] = []
    new: dict[str, Actor] = {}
    for article_id, spans in sorted(ends.items()):
        article = store.articles.article(article_id)
        users = {(m.start, m.end) for m in store.actors.mentions([article_id]) if m.how == "user"}
        resolved = resolve_article(
            registry, article.text, article_date(article.meta), store.entities.entities(article_id), spans
        )
        report.ends += len(spans)
        for span in sorted(spans):
            r = resolved.get(span)
            if span in users:
                report.kept_user += 1
            elif r is None:
                report.unresolved.append((article_id, " ".join(article.text[span[0] : span[1]].split())))
            else:
                report.by_how[r.how] += 1
                if r.new:
                    new[r.actor.name] = r.actor
                found.append(MentionActor(article_id, *span, r.actor.name, r.how))
    report.new_actors = [name for name in new if store.actors.actor(name) is None]
    report.written = store.actors.set_mentions(found, [new[name] for name in report.new_actors])
    return report
