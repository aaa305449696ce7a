"""The project schema, as named migrations (sqlite-utils) counted in `PRAGMA user_version`.

Never edit a released migration: add a new one at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class _Step:
    name: str
    fn: Callable[[Any], None]


class _Migrations:
    """The named migrations in order, applied by sqlite-utils' `Migrations` (which records them in
    `_sqlite_migrations`). sqlite-utils is imported only to apply them: it loads numpy, and a
    command that opens a current project (`stats`, `search`) never needs it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[_Step] = []

    def __call__(self) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
        def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
            self._migrations.append(_Step(fn.__name__, fn))
            return fn

        return register

    def apply(self, db: sqlite_utils.Database, stop_before: str | None = None) -> None:
        from sqlite_utils.migrations import Migrations

        steps = Migrations(self.name)
        for step in self._migrations:
            steps(name=step.name)(step.fn)
        steps.apply(db, stop_before=stop_before)


migrations = _Migrations("annotator")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            meta TEXT NOT NULL DEFAULT '{}',
            pipeline TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX articles_unannotated ON articles(id) WHERE pipeline IS NULL;
        CREATE TABLE tokens (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            bounds TEXT NOT NULL
        );
        CREATE TABLE sentences (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            PRIMARY KEY (article_id, start)
        ) WITHOUT ROWID;
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('model', 'user')),
            CHECK (0 <= start AND start < end)
        );
        CREATE UNIQUE INDEX entities_unique ON entities(article_id, start, end, label);
        CREATE TABLE annotators (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE statements (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (0 <= start AND start < end),
            UNIQUE (article_id, annotator_id, start, end)
        );
        CREATE TABLE statement_labels (
            statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (statement_id, label)
        ) WITHOUT ROWID;
        CREATE INDEX statement_labels_label ON statement_labels(label);
        CREATE TABLE article_status (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator_id)
        ) WITHOUT ROWID;
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migrations()
def m002_annotator_indexes(db: sqlite_utils.Database) -> None:
    """Per-annotator lookups for the article list, review and agreement."""
    db.executescript(
        """
        CREATE INDEX statements_annotator ON statements(annotator_id, article_id);
        CREATE INDEX article_status_annotator ON article_status(annotator_id, status);
        """
    )


@migrations()
def m003_entities_without_rowid(db: sqlite_utils.Database) -> None:
    """Entities keyed by what they are (article, start, end, label), in one b-tree instead of a
    table plus a unique index: import writes half as much, export reads them in key order."""
    db.executescript(
        """
        CREATE TABLE entities_new (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('model', 'user')),
            CHECK (0 <= start AND start < end),
            PRIMARY KEY (article_id, start, end, label)
        ) WITHOUT ROWID;
        INSERT INTO entities_new(article_id, start, end, label, source)
            SELECT article_id, start, end, label, source FROM entities;
        DROP TABLE entities;
        ALTER TABLE entities_new RENAME TO entities;
        """
    )


@migrations()
def m004_preannotation_failures(db: sqlite_utils.Database) -> None:
    """Articles the pipeline failed on, with the reason: later runs skip them (and say so) until a
    retry, so one bad article never stops the others nor blocks later imports."""
    db.executescript(
        """
        CREATE TABLE preannotation_failures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            pipeline TEXT NOT NULL,
            reason TEXT NOT NULL,
            failed_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m005_rejected_answers(db: sqlite_utils.Database) -> None:
    """Prodigy-style answers other than accept, kept as what they are and never as labels:
    spans answered reject/ignore (binary feedback) and whole tasks answered reject/ignore."""
    db.executescript(
        """
        CREATE TABLE rejected_spans (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            answer TEXT NOT NULL CHECK (answer IN ('reject', 'ignore')),
            created_at TEXT NOT NULL,
            CHECK (0 <= start AND start < end),
            PRIMARY KEY (article_id, annotator_id, start, end, label)
        ) WITHOUT ROWID;
        CREATE TABLE task_answers (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            answer TEXT NOT NULL CHECK (answer IN ('reject', 'ignore')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator_id)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m006_corpus_search_index(db: sqlite_utils.Database) -> None:
    """Full-text search over statements (FTS5, unicode61 with diacritics folded).

    `search_fts` is contentless (the text stays in `articles`): one row per statement unit (see
    `annotator.passages`), its rowid `article_id << 20 | unit number`, so hits come in reading
    order and filter by article with a range. `search_units` holds each row's bounds;
    `search_articles` which articles are indexed and whether after the pipeline ran (an article
    indexed before it, on a plain sentence split, is indexed again on the pipeline's sentences). Filled by
    `Store.update_search_index`, which catches up with imports before a search.
    """
    db.executescript(
        """
        CREATE VIRTUAL TABLE search_fts USING fts5(
            text, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TABLE search_units (
            id INTEGER PRIMARY KEY,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL
        );
        CREATE TABLE search_articles (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            after_pipeline INTEGER NOT NULL
        );
        """
    )


@migrations()
def m007_article_categories(db: sqlite_utils.Database) -> None:
    """Categories of whole articles, per annotator (the gold layer holds review decisions), and
    the (article, group) pairs a reviewer decided in gold, "none of them" included."""
    db.executescript(
        """
        CREATE TABLE article_categories (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            category TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator_id, category)
        ) WITHOUT ROWID;
        CREATE INDEX article_categories_category ON article_categories(category, annotator_id);
        CREATE TABLE category_decisions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            category_group TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            PRIMARY KEY (article_id, category_group)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m008_layer_kinds(db: sqlite_utils.Database) -> None:
    """What each layer is: a person's work (`human`), a model's output (`model`: Label Studio's
    predictions, `model:<version>`) or the review's decisions (`gold`). Review, agreement, gold
    and the export rule's default count people's layers only."""
    db.executescript(
        """
        ALTER TABLE annotators ADD COLUMN kind TEXT NOT NULL DEFAULT 'human'
            CHECK (kind IN ('human', 'model', 'gold'));
        UPDATE annotators SET kind = 'gold' WHERE name = 'gold';
        UPDATE annotators SET kind = 'model' WHERE substr(name, 1, 6) = 'model:';
        """
    )


@migrations()
def m009_statement_links(db: sqlite_utils.Database) -> None:
    """Links from a statement to its other end (who said it, to whom, what it conditions or
    answers), per annotator layer, by the two ends' offsets and the link type; and the link
    slots (head, type) a review decided for the gold layer, so that "no link here" is a decision too."""
    db.executescript(
        """
        CREATE TABLE links (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            head_start INTEGER NOT NULL,
            head_end INTEGER NOT NULL,
            child_start INTEGER NOT NULL,
            child_end INTEGER NOT NULL,
            label TEXT NOT NULL,
            created_at TEXT NOT NULL,
            CHECK (0 <= head_start AND head_start < head_end),
            CHECK (0 <= child_start AND child_start < child_end),
            PRIMARY KEY (article_id, annotator_id, head_start, head_end, label, child_start, child_end)
        ) WITHOUT ROWID;
        CREATE INDEX links_label ON links(label);
        CREATE TABLE link_decisions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            head_start INTEGER NOT NULL,
            head_end INTEGER NOT NULL,
            label TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            CHECK (0 <= head_start AND head_start < head_end),
            PRIMARY KEY (article_id, annotator_id, head_start, head_end, label)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m010_learn_suggestion_log(db: sqlite_utils.Database) -> None:
    """What the model and the rules suggested for a statement and what the annotator then decided
    (`store.suggestions`): never a label, never exported, never in agreement; for `annotator stats`."""
    db.executescript(
        """
        CREATE TABLE suggestion_log (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            suggested TEXT,
            model_version TEXT,
            shown_at TEXT,
            decided TEXT,
            outcome TEXT CHECK (outcome IN ('accepted', 'changed', 'unaided')),
            keystrokes INTEGER CHECK (keystrokes >= 0),
            decided_at TEXT,
            CHECK (0 <= start AND start < end),
            CHECK ((suggested IS NULL) = (outcome IS 'unaided'))
        );
        CREATE INDEX suggestion_log_statement ON suggestion_log(article_id, annotator_id, start, end);
        """
    )


@migrations()
def m011_entities_reviewed(db: sqlite_utils.Database) -> None:
    """The (article, annotator) pairs where a person finished the article *in this tool* after its
    entities were predicted, so saw them: only these vouch for spaCy's entities in a training
    export (`export_rule`). A status imported from another tool never does, and a new prediction
    clears the article's rows. Earlier projects: a done status set after the article came in
    (not in the same import) counts as finished here."""
    db.executescript(
        """
        CREATE TABLE entities_reviewed (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            reviewed_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator_id)
        ) WITHOUT ROWID;
        INSERT INTO entities_reviewed(article_id, annotator_id, reviewed_at)
            SELECT st.article_id, st.annotator_id, st.updated_at FROM article_status st
            JOIN articles a ON a.id = st.article_id JOIN annotators n ON n.id = st.annotator_id
            WHERE st.status = 'done' AND n.kind = 'human' AND a.pipeline IS NOT NULL
            AND st.updated_at > a.created_at;
        """
    )


@migrations()
def m012_entities_not_predicted(db: sqlite_utils.Database) -> None:
    """Whether the pipeline that pre-annotated an article predicts entities at all: a pipeline
    without `ner` or an entity ruler (a textcat model `annotator train` wrote) gives sentences and
    tokens, but its silence about entities says nothing: they stay unknown, never "not an entity"."""
    db.executescript("ALTER TABLE articles ADD COLUMN entities_predicted INTEGER NOT NULL DEFAULT 1;")


@migrations()
def m013_entity_review_own_key(db: sqlite_utils.Database) -> None:
    """Reviewing an article's entities becomes its own decision (its own key in the window), apart
    from "done", which is about statements only. A project made before keeps its meaning: an
    article its annotator finished here after spaCy predicted its entities stays reviewed by that
    annotator (that is what "done" meant then, `m011_entities_reviewed`); `with_done` marks those
    rows, so the window can say the review came with an old "done"."""
    db.executescript(
        """
        ALTER TABLE entities_reviewed ADD COLUMN with_done INTEGER NOT NULL DEFAULT 0;
        UPDATE entities_reviewed SET with_done = 1;
        """
    )


@migrations()
def m014_categories_asked(db: sqlite_utils.Database) -> None:
    """Which categories a layer was asked about in an article, when the file it came from said so
    (Prodigy's `options`, the keys of `cats`, Label Studio's `Choices`): only those are 1/0 in a
    training export, the rest unknown. No row: every category of the scheme was asked (the window
    shows them all, and earlier projects keep their meaning)."""
    db.executescript(
        """
        CREATE TABLE categories_asked (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            category TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator_id, category)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m015_actors(db: sqlite_utils.Database) -> None:
    """Who is who: the project's actors (a person, a state, an organisation, a media outlet or an
    anonymous source), their aliases (names, and metonyms such as Kyiv for Ukraine), their titles
    with the dates they held them, and the actor each resolved link end stands for, with how it
    was resolved (a user's choice is never overwritten by a later resolution)."""
    db.executescript(
        """
        CREATE TABLE actors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('person', 'state', 'organisation', 'media', 'anonymous')),
            side TEXT NOT NULL DEFAULT '',
            retired INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE actor_aliases (
            actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            normalized TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'name' CHECK (kind IN ('name', 'metonym'))
        ) WITHOUT ROWID;
        CREATE INDEX actor_aliases_actor ON actor_aliases(actor_id);
        CREATE TABLE actor_titles (
            actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            normalized TEXT NOT NULL,
            valid_from TEXT NOT NULL DEFAULT '',
            valid_to TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (normalized, valid_from, actor_id)
        ) WITHOUT ROWID;
        CREATE INDEX actor_titles_actor ON actor_titles(actor_id);
        CREATE TABLE actor_mentions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
            how TEXT NOT NULL
                CHECK (how IN ('alias', 'metonym', 'title', 'pronoun', 'description', 'anonymous', 'user')),
            resolved_at TEXT NOT NULL,
            CHECK (0 <= start AND start < end),
            PRIMARY KEY (article_id, start, end)
        ) WITHOUT ROWID;
        CREATE INDEX actor_mentions_actor ON actor_mentions(actor_id);
        """
    )


@migrations()
def m016_guidelines(db: sqlite_utils.Database) -> None:
    """The project's guidelines, a Markdown document kept in versions (`store.guidelines`); the
    version each decision was made under (a statement's label, an article's status), written by
    triggers from the newest version so no caller can forget it (NULL: before any guidelines, or
    a status unchanged since); and whether an annotator is a trainee, whose work stays out of
    gold, review and team agreement until promoted."""
    db.executescript(
        """
        CREATE TABLE guidelines (
            version INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            sha256 TEXT NOT NULL
        );
        ALTER TABLE statement_labels ADD COLUMN guidelines_version INTEGER;
        ALTER TABLE article_status ADD COLUMN guidelines_version INTEGER;
        ALTER TABLE annotators ADD COLUMN trainee INTEGER NOT NULL DEFAULT 0;
        CREATE TRIGGER statement_labels_guidelines AFTER INSERT ON statement_labels
            WHEN NEW.guidelines_version IS NULL AND EXISTS (SELECT 1 FROM guidelines)
        BEGIN
            UPDATE statement_labels SET guidelines_version = (SELECT max(version) FROM guidelines)
            WHERE statement_id = NEW.statement_id AND label = NEW.label;
        END;
        CREATE TRIGGER article_status_guidelines_new AFTER INSERT ON article_status
            WHEN NEW.guidelines_version IS NULL AND EXISTS (SELECT 1 FROM guidelines)
        BEGIN
            UPDATE article_status SET guidelines_version = (SELECT max(version) FROM guidelines)
            WHERE article_id = NEW.article_id AND annotator_id = NEW.annotator_id;
        END;
        CREATE TRIGGER article_status_guidelines_changed AFTER UPDATE OF status ON article_status
            WHEN OLD.status IS NOT NEW.status
        BEGIN
            UPDATE article_status SET guidelines_version = (SELECT max(version) FROM guidelines)
            WHERE article_id = NEW.article_id AND annotator_id = NEW.annotator_id;
        END;
        """
    )


@migrations()
def m017_packages(db: sqlite_utils.Database) -> None:
    """Work packages sent out from this project (`annotator packages`): one row per (round,
    annotator) with the file it went to, and the articles each package holds, so that progress
    counts a package's articles and a later round deals each annotator articles she has not seen."""
    db.executescript(
        """
        CREATE TABLE packages (
            round INTEGER NOT NULL CHECK (round >= 1),
            annotator TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'annotate' CHECK (role IN ('annotate', 'review')),
            file TEXT NOT NULL,
            overlap INTEGER,
            seed INTEGER,
            made_at TEXT NOT NULL,
            PRIMARY KEY (round, annotator)
        );
        CREATE TABLE package_articles (
            round INTEGER NOT NULL,
            annotator TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (round, annotator, article_id),
            FOREIGN KEY (round, annotator) REFERENCES packages(round, annotator) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX package_articles_article ON package_articles(article_id);
        """
    )


@migrations()
def m023_guidelines_more(db: sqlite_utils.Database) -> None:
    """Whether an article's status carries an assumed guidelines version: a teammate's file merged
    without guidelines (or under a version this project does not hold) is stamped with the version
    current at the merge, and the data card says so. Deciding the article again here clears it."""
    db.executescript(
        """
        ALTER TABLE article_status ADD COLUMN guidelines_assumed INTEGER NOT NULL DEFAULT 0;
        CREATE TRIGGER article_status_guidelines_decided AFTER UPDATE OF status ON article_status
            WHEN OLD.status IS NOT NEW.status AND NEW.guidelines_assumed = 1
        BEGIN
            UPDATE article_status SET guidelines_assumed = 0
            WHERE article_id = NEW.article_id AND annotator_id = NEW.annotator_id;
        END;
        """
    )


#: The triggers that stamp each decision with the newest guidelines version (`m016_guidelines`).
#: In a project without guidelines they stamp nothing, yet cost every label and status written
#: (an import pays about 5% for them), so they exist only once the project holds guidelines:
#: `make_stamping` makes them in the transaction that brings guidelines (a version added, a work
#: package filled), and opening a project for writing makes any that are missing.
GUIDELINES_TRIGGERS = {
    "statement_labels_guidelines": """
        CREATE TRIGGER IF NOT EXISTS statement_labels_guidelines AFTER INSERT ON statement_labels
            WHEN NEW.guidelines_version IS NULL AND EXISTS (SELECT 1 FROM guidelines)
        BEGIN
            UPDATE statement_labels SET guidelines_version = (SELECT max(version) FROM guidelines)
            WHERE statement_id = NEW.statement_id AND label = NEW.label;
        END""",
    "article_status_guidelines_new": """
        CREATE TRIGGER IF NOT EXISTS article_status_guidelines_new AFTER INSERT ON article_status
            WHEN NEW.guidelines_version IS NULL AND EXISTS (SELECT 1 FROM guidelines)
        BEGIN
            UPDATE article_status SET guidelines_version = (SELECT max(version) FROM guidelines)
            WHERE article_id = NEW.article_id AND annotator_id = NEW.annotator_id;
        END""",
    "article_status_guidelines_changed": """
        CREATE TRIGGER IF NOT EXISTS article_status_guidelines_changed AFTER UPDATE OF status ON article_status
            WHEN OLD.status IS NOT NEW.status
        BEGIN
            UPDATE article_status SET guidelines_version = (SELECT max(version) FROM guidelines)
            WHERE article_id = NEW.article_id AND annotator_id = NEW.annotator_id;
        END""",
}


def stamping_missing(conn: Any) -> bool:
    """Whether the project holds guidelines but not every stamping trigger (a file whose guidelines
    another program wrote): then its decisions would go unstamped."""
    names = ", ".join(f"'{name}'" for name in GUIDELINES_TRIGGERS)
    return bool(
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM guidelines) AND "
            f"(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})) < ?",
            (len(GUIDELINES_TRIGGERS),),
        ).fetchone()[0]
    )


def make_stamping(conn: Any) -> None:
    """The stamping triggers, when the project holds guidelines (in the caller's transaction)."""
    if conn.execute("SELECT 1 FROM guidelines LIMIT 1").fetchone() is not None:
        for trigger in GUIDELINES_TRIGGERS.values():
            conn.execute(trigger)


@migrations()
def m024_guidelines_triggers_on_demand(db: sqlite_utils.Database) -> None:
    """The stamping triggers only where there are guidelines to stamp (`GUIDELINES_TRIGGERS`):
    without any version they write nothing (a NULL stamp is "before any guidelines"), so dropping
    them changes no decision's stamp."""
    if db.execute("SELECT 1 FROM guidelines LIMIT 1").fetchone() is None:
        for name in GUIDELINES_TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {name}")


SCHEMA_VERSION = len(migrations._migrations)


def version_with(name: str) -> int:
    """The schema version from which a project has migration `name` (the first migration is version 1).

    Readers of older files (`store.teammate`) name a migration instead of a number, so the
    order in which migrations were merged cannot put them off by one.
    """
    names = [m.name for m in migrations._migrations]
    return names.index(name) + 1
