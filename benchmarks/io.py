"""Import and export of pre-annotated records against bare sqlite3 + json doing the same work."""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
from collections.abc import Callable
from itertools import islice, zip_longest
from pathlib import Path

import srsly

from annotator.text import title_of
from benchmarks import Result, compare

WORDS = [
    *("Kyiv", "Moscow", "said", "the", "talks", "on", "energy", "infrastructure"),
    *("could", "halt", "strikes", "if", "Russia", "agrees"),
]


def make_corpus(path: Path, n: int, seed: int = 1) -> Path:
    """`n` Prodigy-style records of ~120 words, each with 3 labeled spans and 5 entities."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = f"Article {i}. " + " ".join(rng.choice(WORDS) for _ in range(120))
            spans, ents, pos = [], [], 0
            for k in range(8):
                start = text.index(" ", pos + 20) + 1
                end = text.index(" ", start + 5)
                (spans if k < 3 else ents).append({"start": start, "end": end, "label": f"L{k % 4}"})
                pos = end
            record = {"text": text, "meta": {"n": i}, "spans": spans, "_annotator_id": "bench"}
            record["entities"] = [{**e, "source": "model"} for e in ents]
            out.write(json.dumps(record) + "\n")
    return path


def bare_import(src: Path, db: Path) -> None:
    """What an import must do at the least: parse, hash, insert articles, statements, labels, entities."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript(
        "CREATE TABLE a(id INTEGER PRIMARY KEY, hash TEXT UNIQUE, title TEXT, text TEXT, meta TEXT);"
        "CREATE TABLE s(id INTEGER PRIMARY KEY, a INT, start INT, end INT, UNIQUE(a, start, end));"
        "CREATE TABLE l(s INT, label TEXT, PRIMARY KEY(s, label)) WITHOUT ROWID;"
        "CREATE TABLE e(id INTEGER PRIMARY KEY, a INT, start INT, end INT, label TEXT, source TEXT);"
    )
    with src.open("rb") as f:
        conn.execute("BEGIN IMMEDIATE")
        for i, line in enumerate(f, 1):
            rec = json.loads(line)
            text = rec["text"]
            digest = hashlib.sha256(text.encode()).hexdigest()
            (aid,) = conn.execute(
                "INSERT INTO a(hash, title, text, meta) VALUES (?, ?, ?, ?) RETURNING id",
                (digest, text[:50], text, json.dumps(rec["meta"])),
            ).fetchone()
            for sp in rec["spans"]:
                (sid,) = conn.execute(
                    "INSERT INTO s(a, start, end) VALUES (?, ?, ?) RETURNING id", (aid, sp["start"], sp["end"])
                ).fetchone()
                conn.execute("INSERT INTO l VALUES (?, ?)", (sid, sp["label"]))
            conn.executemany(
                "INSERT INTO e(a, start, end, label, source) VALUES (?, ?, ?, ?, ?)",
                [(aid, e["start"], e["end"], e["label"], e["source"]) for e in rec["entities"]],
            )
            if i % 1000 == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")
    conn.close()


def floor_import(src: Path, db: Path, batch: int = 5000) -> None:
    """The floor of a durable import: parse each line, hash the text, insert the articles and
    their spans (statements, labels) and entities with executemany, one transaction per batch
    (WAL, synchronous=FULL). Nothing is checked and nothing deduplicated: no import can do less."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript(
        "CREATE TABLE a(id INTEGER PRIMARY KEY, hash TEXT UNIQUE, title TEXT, text TEXT, meta TEXT);"
        "CREATE TABLE s(id INTEGER PRIMARY KEY, a INT, start INT, end INT, UNIQUE(a, start, end));"
        "CREATE TABLE l(s INT, label TEXT, PRIMARY KEY(s, label)) WITHOUT ROWID;"
        "CREATE TABLE e(a INT, start INT, end INT, label TEXT, source TEXT, PRIMARY KEY(a, start, end, label))"
        " WITHOUT ROWID;"
    )
    next_article = next_span = 1
    with src.open("rb") as f:
        while lines := list(islice(f, batch)):
            articles, spans, labels, entities = [], [], [], []
            for line in lines:
                rec = json.loads(line)
                text = rec["text"]
                aid, next_article = next_article, next_article + 1
                articles.append(
                    (aid, hashlib.sha256(text.encode()).hexdigest(), text[:50], text, json.dumps(rec["meta"]))
                )
                for sp in rec["spans"]:
                    spans.append((next_span, aid, sp["start"], sp["end"]))
                    labels.append((next_span, sp["label"]))
                    next_span += 1
                entities += [(aid, e["start"], e["end"], e["label"], e["source"]) for e in rec["entities"]]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO a VALUES (?, ?, ?, ?, ?)", articles)
            conn.executemany("INSERT INTO s VALUES (?, ?, ?, ?)", spans)
            conn.executemany("INSERT INTO l VALUES (?, ?)", labels)
            conn.executemany("INSERT INTO e VALUES (?, ?, ?, ?, ?)", entities)
            conn.execute("COMMIT")
    conn.close()


def bare_export(db: Path, out: Path) -> None:
    """A select and json_dumps loop writing the same records as ours, fsynced like ours.

    It uses the serializer ours uses (srsly's), so the ratio is what our code adds, not a
    faster library: with the standard library's json.dumps the bare loop is slower than ours.

    Per article: its statements with labels, its entities, one annotator and status (the
    bench corpus has one annotator per article), the two Prodigy hashes.
    """
    conn = sqlite3.connect(db)
    with out.open("w", encoding="utf-8") as f:
        for aid, digest, title, text, source, meta in conn.execute(
            "SELECT id, hash, title, text, source, meta FROM articles"
        ):
            spans = conn.execute(
                "SELECT s.start, s.end, l.label FROM statements s JOIN statement_labels l ON l.statement_id = s.id "
                "WHERE s.article_id = ? ORDER BY s.start, s.end, l.label",
                (aid,),
            ).fetchall()
            ents = conn.execute(
                "SELECT start, end, label, source FROM entities WHERE article_id = ?", (aid,)
            ).fetchall()
            name, status = conn.execute(
                "SELECT n.name, st.status FROM article_status st JOIN annotators n ON n.id = st.annotator_id "
                "WHERE st.article_id = ?",
                (aid,),
            ).fetchone()
            task_hash = hashlib.sha256(digest.encode() + repr(spans).encode()).digest()
            record = {
                "text": text,
                # the title only when it is not the text's first line, as ours (found the way ours finds it)
                "meta": {**json.loads(meta), "source": source}
                if title == title_of(text)
                else {**json.loads(meta), "title": title, "source": source},
                "_input_hash": int.from_bytes(bytes.fromhex(digest[:8]), "big", signed=True),
                "spans": [{"start": s, "end": e, "label": lab, "text": text[s:e]} for s, e, lab in spans],
                "entities": [
                    {"start": s, "end": e, "label": lab, "source": src, "text": text[s:e]} for s, e, lab, src in ents
                ],
                "_annotator_id": name,
                "_status": status,
                "answer": "accept",
                "_task_hash": int.from_bytes(task_hash[:4], "big", signed=True),
            }
            f.write(srsly.json_dumps(record) + "\n")
        f.flush()
        os.fsync(f.fileno())
    conn.close()


def same_records(ours: Path, bare: Path) -> bool:
    """Whether both exports hold the same records, line by line (the bench compares like with like)."""
    with ours.open(encoding="utf-8") as a, bare.open(encoding="utf-8") as b:
        return all(json.loads(x) == json.loads(y) for x, y in zip_longest(a, b, fillvalue="null"))


def sync() -> None:
    """Write out what earlier steps left in the page cache, so that neither side pays for it."""
    if hasattr(os, "sync"):
        os.sync()


def our_import(workdir: Path, src: Path, n: int, made: list[Path], reports: list | None = None) -> Callable[[], None]:
    """Annotator's import of `src` (`n` records) into a new project each call, named into `made`
    (and its report into `reports`)."""
    from annotator.importing.run import import_paths
    from annotator.store import Store

    def ours_import() -> None:
        db = workdir / f"ours-{len(made)}.sqlite"
        made.append(db)
        with Store.create(db) as store:
            report = import_paths(store, [src], annotator="bench")
            assert report.counts.articles_added == n and not report.rejections
        if reports is not None:
            reports.append(report)

    return ours_import


def run(workdir: Path, quick: bool) -> list[Result]:
    from annotator.export.rule import choose_rule
    from annotator.export.run import export
    from annotator.store import Store

    n = 5_000 if quick else 50_000
    src = make_corpus(workdir / "corpus.jsonl", n)
    made: list[Path] = []
    ours_import = our_import(workdir, src, n, made)

    def bare() -> None:
        bare_import(src, workdir / f"bare-{len(list(workdir.glob('bare-*.sqlite')))}.sqlite")

    # each run starts with the page cache written out: the last run's dirty pages would otherwise
    # be flushed by whichever side calls fsync next (ours: the export's atomic write), not by bare
    t_ours, t_bare = compare(ours_import, bare, setup=sync)
    project = made[-1]

    def floor() -> None:
        floor_import(src, workdir / f"floor-{len(list(workdir.glob('floor-*.sqlite')))}.sqlite")

    t_ours_again, t_floor = compare(ours_import, floor, setup=sync)

    def ours_export() -> None:
        with Store.open(project) as store:
            export(store, workdir / "ours.jsonl", choose_rule(store, "jsonl"))

    t_export, t_bare_export = compare(ours_export, lambda: bare_export(project, workdir / "bare.jsonl"), setup=sync)
    assert same_records(workdir / "ours.jsonl", workdir / "bare.jsonl"), "the bare export wrote other records"
    return [
        Result("io", f"import {n:,} pre-annotated records (--no-ner)", t_ours, baseline=t_bare, target=1.5),
        Result(
            "io",
            f"import {n:,} records vs the floor",
            t_ours_again,
            baseline=t_floor,
            target=2.0,
            note="floor: parse, hash, executemany of articles, spans, labels, entities; one transaction per batch",
        ),
        Result(
            "io",
            f"export {n:,} records (jsonl)",
            t_export,
            baseline=t_bare_export,
            target=1.2,
            note="bare: select + srsly json_dumps loop writing the same records, fsynced",
        ),
    ]
