"""Per-article caps: what several records of one article bring is summed, with what is stored.

One record is capped at the door (`records.record_size_problem`), but fifty records of one
article, each under the cap, would still give it 490,000 links, and each label key on it would
take a minute again. `ArticleTally` counts what each article will hold after the records an
import has let in so far - the project's rows plus every earlier record's - and refuses, whole,
the record that would take it past `settings.MAX_RECORD_*` (the same caps: what one record may
bring is what one article may hold).

Spans (labels and rejected spans) and links are counted per layer, because a complete record
replaces its layer's (`store.importer.add_records`); entities are the article's. A record over
the cap by the plain sum is counted again against the stored rows it repeats, so importing the
same file twice refuses nothing; records of several annotators carrying the same entities count
them once. The tally keeps the most recent `REMEMBERED` articles: an
article seen longer ago than that is counted from the project again, where its records are by
then (an import commits every `settings.IMPORT_BATCH` records), so memory stays bounded.
"""

from __future__ import annotations

from collections import OrderedDict

from annotator import settings
from annotator.records import IncomingRecord
from annotator.store import Store

#: Articles whose counts are kept (the oldest is forgotten first); well above a batch's records.
REMEMBERED = 4 * settings.IMPORT_BATCH
#: A project with up to this many articles has their hashes read once, so a record of an article
#: it cannot hold costs no query (a query per record made an import of 20,000 new records 40% slower).
PRELOADED = 1_000_000


class _MaybeStored:
    """A Bloom filter over content hashes (2 MiB, four 24-bit slices of the SHA-256): "no" is
    sure, "yes" may be wrong (then a query says what is stored); `everything` answers yes always."""

    BITS = 1 << 24

    def __init__(self, everything: bool = False):
        self.everything = everything
        self.bits = bytearray(0 if everything else self.BITS // 8)

    def add(self, spots: tuple[int, ...]) -> None:
        if not self.everything:
            for spot in spots:
                self.bits[spot >> 3] |= 1 << (spot & 7)

    def add_digest(self, digest: str) -> bool:
        """Add the spots of `digest` (`_spots`); whether they were surely not all there before (the
        test and the add in one go, unrolled: an import asks it of every record that brings work)."""
        if self.everything:
            return False
        x = int(digest[:24], 16)
        a, b, c, d = x >> 72, x >> 48 & _SLICE, x >> 24 & _SLICE, x & _SLICE
        bits = self.bits
        new = not (
            bits[a >> 3] >> (a & 7) & 1
            and bits[b >> 3] >> (b & 7) & 1
            and bits[c >> 3] >> (c & 7) & 1
            and bits[d >> 3] >> (d & 7) & 1
        )
        if new:
            bits[a >> 3] |= 1 << (a & 7)
            bits[b >> 3] |= 1 << (b & 7)
            bits[c >> 3] |= 1 << (c & 7)
            bits[d >> 3] |= 1 << (d & 7)
        return new

    def __contains__(self, spots: tuple[int, ...]) -> bool:
        if self.everything:
            return True
        bits = self.bits
        a, b, c, d = spots  # unrolled, not all(generator): this runs for every record
        return bool(
            bits[a >> 3] >> (a & 7) & 1
            and bits[b >> 3] >> (b & 7) & 1
            and bits[c >> 3] >> (c & 7) & 1
            and bits[d >> 3] >> (d & 7) & 1
        )


_SLICE = (1 << 24) - 1


def _spots(digest: str) -> tuple[int, ...]:
    """Where a content hash (hex SHA-256) sits in `_MaybeStored`: four 24-bit slices of it."""
    x = int(digest[:24], 16)
    return (x >> 72, x >> 48 & _SLICE, x >> 24 & _SLICE, x & _SLICE)


class ArticleTally:
    """What each article will hold once the records let in so far are stored (see the module)."""

    def __init__(self, store: Store, annotator: str):
        self.store = store
        self.annotator = annotator
        #: content hash -> [entities, {layer: [spans, links]}, {hash of a counted record's entities}],
        #: or, for an article only one record came for, (entities, layer, spans, links, hash or None)
        self._held: OrderedDict[str, list | tuple] = OrderedDict()
        hashes = store.articles.hashes(PRELOADED)
        #: The articles the project may hold: those it had, and every one this import let a record in for.
        self._maybe_stored = _MaybeStored(everything=hashes is None)
        for digest in hashes or ():
            self._maybe_stored.add(_spots(digest))

    def problem(self, rec: IncomingRecord) -> str | None:
        """Why `rec` would take its article past a cap, or None; when None, `rec` is counted in."""
        spans, entities, links = len(rec.spans) + len(rec.rejected), len(rec.entities), len(rec.links)
        if not (spans or entities or links):
            return None
        digest = rec.digest
        layer = rec.annotator or self.annotator
        remembered = self._held
        held = remembered.get(digest)
        if held is None:
            if self._maybe_stored.add_digest(digest):  # an article nobody gave anything: the record alone counts
                remembered[digest] = (entities, layer, spans, links, _entity_set(rec) if entities else None)
                if len(remembered) > REMEMBERED:
                    remembered.popitem(last=False)
                return None
            stored = self.store.articles.held_of_text(digest)
            held = [0, {}, set()] if stored is None else [stored.entities, stored.layers, set()]
            self._remember(digest, held)
        else:
            if type(held) is tuple:  # its first record's counts, kept small: most articles have one
                held = remembered[digest] = _unpacked(held)
            remembered.move_to_end(digest)
        own = [0, 0] if rec.complete else held[1].get(layer, [0, 0])  # a complete record replaces its layer's
        others = [sum(counts[i] for name, counts in held[1].items() if name != layer) for i in (0, 1)]
        after = (others[0] + own[0] + spans, held[0] + entities, others[1] + own[1] + links)
        if self._over(after) is not None:
            spans, entities, links = self._new_of(rec, digest, held, layer, spans, entities, links)
            after = (others[0] + own[0] + spans, held[0] + entities, others[1] + own[1] + links)
            if (why := self._over(after)) is not None:
                return why
        self._maybe_stored.add(_spots(digest))
        held[0] = after[1]
        held[1][layer] = [own[0] + spans, own[1] + links]
        if rec.entities:
            held[2].add(_entity_set(rec))
        return None

    def _remember(self, digest: str, held: list) -> None:
        self._held[digest] = held
        if len(self._held) > REMEMBERED:
            self._held.popitem(last=False)

    def _new_of(
        self, rec: IncomingRecord, digest: str, held: list, layer: str, spans: int, entities: int, links: int
    ) -> tuple[int, int, int]:
        """The record's spans, entities and links that the project does not hold already."""
        have_spans, have_links, have_entities = self.store.articles.held_keys_of_text(digest, layer)
        if not rec.complete:
            spans = len({(s.start, s.end, s.label) for s in rec.spans} - have_spans) + len(
                {(r.start, r.end, r.label) for r in rec.rejected} - have_spans
            )
            links = len({tuple(link) for link in rec.links} - have_links)
        entities = len({(e.start, e.end, e.label) for e in rec.entities} - have_entities)
        if rec.entities and _entity_set(rec) in held[2]:
            entities = 0  # each annotator's record carrying the same entities: counted once
        return spans, entities, links

    @staticmethod
    def _over(after: tuple[int, int, int]) -> str | None:
        for n, cap, what in zip(
            after,
            (settings.MAX_RECORD_SPANS, settings.MAX_RECORD_ENTITIES, settings.MAX_RECORD_LINKS),
            ("spans", "entities", "links"),
            strict=True,
        ):
            if n > cap:
                return (
                    f"with this record its article would hold {n:,} {what} (with the project's and this "
                    f"import's earlier records of it); one article may hold at most {cap:,}: the record is left out"
                )
        return None


def _unpacked(first: tuple) -> list:
    """The counts of an article remembered from its first record, as a later record of it counts them."""
    entities, layer, spans, links, entity_set = first
    return [entities, {layer: [spans, links]}, set() if entity_set is None else {entity_set}]


def _entity_set(rec: IncomingRecord) -> int:
    return hash(frozenset((e.start, e.end, e.label) for e in rec.entities))
