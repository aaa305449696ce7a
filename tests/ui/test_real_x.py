"""The path a user takes, on a real X server: the app starts on Xvfb with Qt's xcb platform, the
first start asks for a name, a key tags a statement, S and a hint's letter link its speaker, the
rows are in the project file, Ctrl+Q quits.

Input goes through the X server (xdotool's XTEST keystrokes into the focused window), so the
xcb plugin, its libraries, window activation and keyboard focus are all exercised. `make test`
installs Xvfb and xdotool (packaging/system-deps.sh --test).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import TEXT

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb is an X server for Linux")
FIRST_SENTENCE = TEXT.split(". ")[0] + "."


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A fresh X server; its display name once it accepts connections (Xvfb writes it to -displayfd then)."""
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed: `bash packaging/system-deps.sh --test` installs them")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 30)
        assert ready, "Xvfb did not start within 30 s"
        number = os.read(read, 64).decode().strip()
        assert number.isdigit(), f"Xvfb gave no display number ({number!r})"
        yield f":{number}"
    finally:
        os.close(read)
        server.terminate()
        server.wait(timeout=30)


def wait_until(condition: Callable[[], object], what: str, app: subprocess.Popen, timeout: float = 30) -> object:
    """Poll `condition` until it is true; fail early, with the app's output, if the app died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert app.poll() is None, f"the app exited with {app.returncode} while waiting for {what}"
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def find_window(xdotool: Callable[..., str], title_pattern: str, tries: int = 5) -> list[str]:
    """The visible windows whose title matches, by xdotool. A window that closes while xdotool
    walks the tree (a splash, a dialog) fails the search with BadWindow: that is the X server's
    race, not the app's, so the search is tried again."""
    for attempt in range(tries):
        try:
            return xdotool("search", "--sync", "--onlyvisible", "--name", title_pattern).split()
        except AssertionError as failure:
            if "BadWindow" not in str(failure) or attempt == tries - 1:
                raise
            time.sleep(0.5)
    return []


class AppOnX:
    """The app on `project` on the X server `xvfb` (its settings in `tmp_path`, its output in
    app.log there), with xdotool on that server and a way to focus a window by its title;
    `close` kills it if it still runs."""

    def __init__(self, xvfb: str, project: Path, tmp_path: Path, **more_env: str):
        self.env = {
            **os.environ,
            "DISPLAY": xvfb,
            "QT_QPA_PLATFORM": "xcb",
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            **more_env,
        }
        self.log = (tmp_path / "app.log").open("w")
        self.app = subprocess.Popen(
            [sys.executable, "-m", "annotator", "--db", str(project)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"xdotool {' '.join(args)}: {done.stderr}"
        return done.stdout

    def focus(self, title_pattern: str) -> None:
        found = find_window(self.xdotool, title_pattern)
        self.xdotool("windowfocus", "--sync", found[0])

    def close(self) -> None:
        if self.app.poll() is None:
            self.app.kill()
            self.app.wait()
        self.log.close()


def labeled_rows(project: Path, annotator: str) -> list[tuple[int, int, str]]:
    """The annotator's labeled statements, read from the project file by another connection."""
    with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT s.start, s.end, l.label FROM statements s JOIN annotators a ON a.id = s.annotator_id "
            "JOIN statement_labels l ON l.statement_id = s.id WHERE a.name = ? ORDER BY s.start",
            (annotator,),
        ).fetchall()


def linked_rows(project: Path, annotator: str) -> list[tuple[int, int, int, int, str]]:
    with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT head_start, head_end, child_start, child_end, label FROM links l "
            "JOIN annotators a ON a.id = l.annotator_id WHERE a.name = ?",
            (annotator,),
        ).fetchall()


def test_a_first_start_on_a_real_x_server_tags_by_key_and_quits(xvfb, project, tmp_path, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_NAME")  # a first start: the window asks for the name
    env = {
        **os.environ,
        "DISPLAY": xvfb,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # the window's settings (the name) land here
    }
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "annotator", "--db", str(project)], cwd=ROOT, env=env, stdout=log, stderr=log
    )

    def xdotool(*args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env={**env, "DISPLAY": xvfb}, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"xdotool {' '.join(args)}: {done.stderr}"
        return done.stdout

    def window(title_pattern: str) -> str:
        """The X window whose title matches, once it is mapped (xdotool --sync waits for it)."""
        found = find_window(xdotool, title_pattern)
        xdotool("windowfocus", "--sync", found[0])
        return found[0]

    try:
        window("^Welcome to Annotator$")
        xdotool("key", "ctrl+a")
        xdotool("type", "--delay", "20", "Xena")
        xdotool("key", "Return")

        window(" — Annotator$")  # the annotation window, on the project's first statement
        xdotool("key", "4")  # denial
        rows = wait_until(lambda: labeled_rows(project, "Xena"), "the labeled row in the project file", app)
        assert rows == [(0, len(FIRST_SENTENCE), "denial")]

        xdotool("key", "s")  # hints on the entities in view: "Zelensky", inside the statement, is A
        xdotool("key", "a")
        links = wait_until(lambda: linked_rows(project, "Xena"), "the link's row in the project file", app)
        assert links == [(0, len(FIRST_SENTENCE), 0, len("Zelensky"), "speaker")]

        # the next statement: the rules suggest "denial" ("Russia denied it"); Shift+Enter accepts it and
        # stays. Until the suggestions have loaded (spaCy, on a thread) it writes nothing: try again
        xdotool("key", "Down")

        def accepted() -> list[tuple]:
            found = [row for row in labeled_rows(project, "Xena") if row[0] > 0]
            if not found:
                xdotool("key", "shift+Return")
                time.sleep(0.3)
                found = [row for row in labeled_rows(project, "Xena") if row[0] > 0]
            return found

        second = TEXT.index("🇺🇦")
        assert wait_until(accepted, "the accepted suggestion's row in the project file", app) == [
            (second, TEXT.index("once.") + len("once."), "denial")
        ]

        xdotool("key", "ctrl+q")
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        log.close()
    config = (tmp_path / "config" / "annotator" / "annotator.conf").read_text(encoding="utf-8")
    assert "name=Xena" in config  # asked once, remembered for the next start


def test_on_a_real_x_server_shift_keys_categorise_and_the_hit_list_labels_all_matches(xvfb, project, tmp_path):
    """Shift+1 through the X keyboard (the server sends "!" with Shift), Ctrl+Shift+F, a query, Ctrl+A and
    a label key in the hit list, the preview's Apply: the rows are in the project file."""
    session = AppOnX(xvfb, project, tmp_path)
    app, xdotool, focus = session.app, session.xdotool, session.focus

    def rows(sql: str) -> list[tuple]:
        with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
            return db.execute(sql).fetchall()

    try:
        focus(" — Annotator$")
        xdotool("key", "shift+1")  # relevant
        categories = "SELECT c.article_id, c.category FROM article_categories c"
        assert wait_until(lambda: rows(categories), "the category in the project file", app) == [(1, "relevant")]

        xdotool("key", "ctrl+shift+f")
        xdotool("type", "--delay", "20", "Kyiv OR sentences")
        xdotool("key", "Return")
        for _ in range(3):  # past the "within the list's filters" box and the Search button, to the hits
            xdotool("key", "Tab")
        xdotool("key", "ctrl+a", "2")  # every hit: offer
        focus("^Label all matches$")
        labeled = "SELECT s.article_id, l.label FROM statements s JOIN statement_labels l ON l.statement_id = s.id"

        def applied() -> list[tuple]:
            if not rows(labeled):  # the preview is worked out on a thread; Apply (Return) waits for it
                xdotool("key", "Return")
                time.sleep(0.2)
            return rows(labeled)

        assert wait_until(applied, "the labeled statements in the project file", app) == [
            (1, "offer"),
            (2, "offer"),
        ]
        focus(" — Annotator$")  # no window manager gives the focus back when the dialog closes
        xdotool("key", "ctrl+q")
        assert app.wait(timeout=30) == 0
    finally:
        session.close()


NOTE = "a denial of what exactly? check the source"


def test_on_a_real_x_server_done_is_statements_only_and_the_note_and_entities_go_out_as_decided(
    xvfb, project, tmp_path
):
    """Issue 25's path, through the X keyboard: a label key on the first statement, Ctrl+M and a note
    on the second (no label), Ctrl+Enter (done). The exports, made meanwhile by another program:
    the DocBin leaves spaCy's unreviewed entities missing (no doc.ents, every token's ent_iob_ '':
    neither O nor B/I), JSONL and CSV carry the note. Then back to the article, Ctrl+Shift+E
    (entities reviewed): the DocBin has them."""
    import csv
    import json

    import spacy
    from spacy.tokens import DocBin

    session = AppOnX(xvfb, project, tmp_path)
    app, env, xdotool, focus = session.app, session.env, session.xdotool, session.focus

    def rows(sql: str) -> list[tuple]:
        with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
            return db.execute(sql).fetchall()

    def export(name: str) -> Path:
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, "-m", "annotator", "--db", str(project), "export", "--annotator", "tester", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return out

    def docbin() -> spacy.tokens.Doc:
        (doc,) = DocBin().from_disk(export("out.spacy")).get_docs(spacy.blank("en").vocab)
        return doc

    second = TEXT.index("🇺🇦")
    try:
        focus(" — Annotator$")
        xdotool("key", "4")  # denial
        assert wait_until(lambda: labeled_rows(project, "tester"), "the label in the project file", app) == [
            (0, len(FIRST_SENTENCE), "denial")
        ]
        xdotool("key", "Down", "ctrl+m")
        xdotool("type", "--delay", "20", NOTE)
        xdotool("key", "Return")  # the field's: it saves the note, it never moves on
        noted = "SELECT start, note FROM statements WHERE note != ''"
        assert wait_until(lambda: rows(noted), "the note in the project file", app) == [(second, NOTE)]
        xdotool("key", "ctrl+Return")  # done: the statements, then the next unfinished article
        status = "SELECT article_id, status FROM article_status WHERE status = 'done'"
        assert wait_until(lambda: rows(status), "the done status in the project file", app) == [(1, "done")]
        assert rows("SELECT * FROM entities_reviewed") == []  # done vouched for no entity

        doc = docbin()
        assert doc.ents == () and {token.ent_iob_ for token in doc} == {""}  # missing: not O, not B/I
        (task,) = [json.loads(line) for line in export("out.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [(n["start"], n["note"]) for n in task["meta"]["notes"]] == [(second, NOTE)]
        with export("out.csv").open(encoding="utf-8", newline="") as handle:
            assert [(r["start"], r["label"], r["note"]) for r in csv.DictReader(handle) if r["note"]] == [
                (str(second), "", NOTE)
            ]

        xdotool("key", "p")  # back to the finished article
        xdotool("key", "ctrl+shift+e")  # its entities: reviewed by tester
        reviewed = "SELECT article_id FROM entities_reviewed"
        assert wait_until(lambda: rows(reviewed), "the entity review in the project file", app) == [(1,)]
        doc = docbin()
        assert [(e.text, e.label_) for e in doc.ents][:3] == [
            ("Zelensky", "PERSON"),
            ("Kyiv", "GPE"),
            ("Moscow", "GPE"),
        ]
        assert "" not in {token.ent_iob_ for token in doc} and "O" in {token.ent_iob_ for token in doc}

        xdotool("key", "ctrl+q")
        assert app.wait(timeout=30) == 0
    finally:
        session.close()


def test_on_a_real_x_server_a_label_key_keeps_the_label_another_program_gave_meanwhile(xvfb, project, tmp_path):
    """The lost update of issue 26, through the X keyboard: the window is open on a statement, a
    `search --apply` in another process labels it `demand`, then a label key in the window: the
    key adds its one label, so the other program's `demand` is still in the project file."""
    session = AppOnX(xvfb, project, tmp_path)
    app, env, xdotool, focus = session.app, session.env, session.xdotool, session.focus

    first = (0, len(FIRST_SENTENCE))

    def labels() -> list[str]:
        return sorted(label for start, end, label in labeled_rows(project, "tester") if (start, end) == first)

    try:
        focus(" — Annotator$")  # on the project's first statement
        xdotool("key", "2")  # offer
        assert wait_until(labels, "the window's offer in the project file", app) == ["offer"]
        search = ["search", '"halt strikes"', "--label", "demand", "--annotator", "tester", "--apply"]
        applied = subprocess.run(
            [sys.executable, "-m", "annotator", "--db", str(project), *search],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert labels() == ["demand", "offer"]
        focus(" — Annotator$")
        xdotool("key", "4")  # denial, written as one label added to what is stored now
        assert wait_until(lambda: len(labels()) == 3 and labels(), "the window's denial", app) == [
            "demand",
            "denial",
            "offer",
        ]
        xdotool("key", "ctrl+q")
        assert app.wait(timeout=30) == 0
    finally:
        session.close()
    assert labels() == ["demand", "denial", "offer"]  # after the window closed, nothing rewritten


def test_on_a_real_x_server_escape_stops_a_large_import_at_once_and_keeps_whole_batches(xvfb, project, tmp_path):
    """Ctrl+I, a 16 MB file typed into Qt's file dialog, read in a second process: Escape while it
    runs stops it (at most the batch already committing when the key came lands after it; the one
    being written is rolled back), what is in is whole batches of the command line's 5,000
    records, and Ctrl+Q quits."""
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for i in range(20_000):
            text = f"Article {i}. Kyiv offered to halt strikes on energy infrastructure if Moscow agreed. " * 8
            out.write(json.dumps({"text": text, "spans": [{"start": 0, "end": 7, "label": "claim"}]}) + "\n")
    session = AppOnX(xvfb, project, tmp_path, ANNOTATOR_READ_ASIDE="1")
    app, xdotool, focus = session.app, session.xdotool, session.focus

    def articles() -> int:
        with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]

    try:
        focus(" — Annotator$")
        xdotool("key", "ctrl+i")
        focus("^Import articles$")
        xdotool("type", "--delay", "5", str(big))
        xdotool("key", "Return")
        wait_until(lambda: articles() > 2, "the first batch in the project file", app, timeout=60)
        xdotool("key", "Escape")  # the import dialog has the focus: Cancel
        at_cancel = articles()
        time.sleep(2)  # a batch still written after the cancel would land by now
        kept = articles()
        assert kept == at_cancel or kept - 2 == 5000 * ((at_cancel - 2) // 5000 + 1), (at_cancel, kept)
        assert (kept - 2) % 5000 == 0 and 0 < kept - 2 < 20_000
        xdotool("key", "Escape")  # the dialog, now saying "cancelled", closes
        focus(" — Annotator$")
        xdotool("key", "ctrl+q")
        assert app.wait(timeout=60) == 0
    finally:
        session.close()
