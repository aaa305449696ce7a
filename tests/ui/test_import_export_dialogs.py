"""The Export and Import dialogs, opened from the real window's File menu and driven like a user."""

from __future__ import annotations

import csv
import os
import threading
from collections import Counter
from pathlib import Path

import pytest
import srsly
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QPushButton

from annotator import settings
from annotator.formats.csvfile import COLUMNS
from annotator.importing import run as importing
from annotator.records import GOLD
from annotator.store import Store
from annotator.ui.annotate.window.export_dialog import EVERY_LAYER
from tests.conftest import write_jsonl
from tests.ui.conftest import OTHER, TEXT, sentences_of, stored

WAIT = 20_000  # ms: a generous upper bound, never a timing assertion
CLOSE = QDialogButtonBox.StandardButton.Close
FIRST = (0, TEXT.index(".") + 1)  # "Zelensky said Kyiv will halt strikes if Moscow does."
SECOND = (0, OTHER.index(".") + 1)  # "Second article."
TESTER = [("tester", *FIRST, "condition"), ("tester", *FIRST, "offer"), ("tester", *SECOND, "claim")]
BOB = [("bob", *FIRST, "denial")]
GOLDEN = [(GOLD, *FIRST, "offer")]


@pytest.fixture
def labeled(project) -> Path:
    """Two annotators and a gold layer; tester is done with the first article only."""
    with Store.open(project) as store:
        first, second = store.articles.article_ids()
        store.statements.set_statement(first, "tester", *FIRST, ["condition", "offer"])
        store.statements.set_statement(second, "tester", *SECOND, ["claim"])
        store.articles.set_status(first, "tester", "done")
        store.entities.set_entity_review(
            first, "tester", True
        )  # entities: their own decision (CoNLL takes reviewed ones)
        store.statements.set_statement(first, "bob", *FIRST, ["denial"])
        store.statements.set_statement(first, GOLD, *FIRST, ["offer"])
    return project


def run_modal(qtbot, open_dialog, drive) -> None:
    """Call `open_dialog` (it runs a modal dialog) and `drive(dialog)` inside that dialog's own event loop.

    A failure in `drive` closes the dialog and is raised here, so a broken test never hangs in exec().
    """
    ran, failures = [], []

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if not ran:
                QTimer.singleShot(20, step)
            return
        ran.append(dialog)
        try:
            drive(dialog)
        except BaseException as exc:  # re-raised below, outside Qt
            failures.append(exc)
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, step)
    open_dialog()
    ran.append(None)  # stops a pending step if no dialog opened
    if failures:
        raise failures[0]
    assert ran[0] is not None, "no dialog opened"


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def close(qtbot, dialog) -> None:
    button = dialog.buttons.button(CLOSE)
    assert button is not None, f"no Close button; the dialog says: {dialog.state.text()}"
    click(qtbot, button)
    assert not dialog.isVisible()


# -- export -------------------------------------------------------------------------------


def open_export(qtbot, window):
    return lambda: qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)


def fill_export(qtbot, dialog, monkeypatch, out: Path, fmt: str, who: str | None = "tester") -> None:
    """Pick the format and whose labels, then the file through "Choose…" (its file dialog answers `out`)."""
    dialog.fmt.setCurrentIndex(dialog.fmt.findData(fmt))
    dialog.who.setCurrentIndex(dialog.who.findData(who))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "Choose…"))
    assert dialog.path.text() == str(out)


def export_ended(dialog) -> bool:
    return dialog.buttons.button(CLOSE) is not None or dialog.go.isEnabled()


def exported(fmt: str, path: Path) -> tuple[int, list[tuple]]:
    """(records in the file, sorted (annotator, start, end, label) of every label), read by each format's own reader."""
    if fmt == "spacy":
        import spacy
        from spacy.tokens import DocBin

        docs = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
        labels = [
            (doc.user_data["annotator"]["annotator"], s.start_char, s.end_char, s.label_)
            for doc in docs
            for s in doc.spans.get("sc", [])
        ]
        return len(docs), sorted(labels)
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == COLUMNS
        lines = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
        labels = [(r["annotator"], int(r["start"]), int(r["end"]), r["label"]) for r in lines]
        return len(lines), sorted(labels)
    records = list(srsly.read_jsonl(path))
    if fmt == "jsonl":
        labels = [(r.get("_annotator_id"), s["start"], s["end"], s["label"]) for r in records for s in r["spans"]]
    elif fmt == "doccano":
        labels = [(r.get("_annotator_id"), s, e, label) for r in records for s, e, label in r["label"]]
    else:  # textcat: one record per statement, every label named
        labels = [
            (r["meta"]["annotator"], r["meta"]["start"], r["meta"]["end"], name)
            for r in records
            for name, on in r["cats"].items()
            if on
        ]
    return len(records), sorted(labels)


@pytest.mark.docbin_own_tokens  # the project's tokens are the test's own (word_tokens), not spaCy's
@pytest.mark.parametrize(
    ("fmt", "who", "gold", "unfinished", "records", "labels"),
    [
        ("jsonl", "tester", False, False, 1, TESTER[:2]),  # tester finished the first article only
        ("doccano", EVERY_LAYER, False, True, 4, TESTER + BOB + GOLDEN),
        ("spacy", "tester", False, False, 1, TESTER[:2]),
        # the gold statement and, as negatives, the first article's other sentences
        ("textcat", "tester", True, False, len(sentences_of(TEXT)), GOLDEN),
        ("csv", "bob", False, True, 1, BOB),
    ],
    ids=["jsonl-mine", "doccano-every-layer", "spacy-finished", "textcat-gold", "csv-bob-unfinished"],
)
def test_export_writes_the_chosen_labels_and_says_what_went_out(
    labeled, window, qtbot, monkeypatch, tmp_path, fmt, who, gold, unfinished, records, labels
):
    out = tmp_path / "out" / f"annotations.{fmt}"
    seen = {}

    def drive(dialog):
        assert dialog.objectName() == "exportDialog"
        assert dialog.who.currentData() == "tester"  # the window's annotator comes preselected
        assert dialog.fmt.findData(fmt) >= 0
        fill_export(qtbot, dialog, monkeypatch, out, fmt, who)
        if gold:
            dialog.gold.click()
            assert not dialog.who.isEnabled()  # the gold layer is nobody's
        if unfinished:
            dialog.unfinished.click()
        click(qtbot, dialog.go)
        assert dialog.bar.isVisible() and not dialog.go.isEnabled()
        qtbot.waitUntil(lambda: export_ended(dialog), timeout=WAIT)
        seen["state"] = dialog.state.text()
        seen["bar"] = (dialog.bar.value(), dialog.bar.maximum())
        close(qtbot, dialog)

    run_modal(qtbot, open_export(qtbot, window), drive)

    assert exported(fmt, out) == (records, sorted(labels))
    counts = Counter(label for *_, label in labels)
    assert seen["state"].startswith(f"exported {records} record{'s' * (records != 1)} from ")
    assert f"to {out} ({fmt})" in seen["state"].splitlines()[0]
    assert "\nlabels: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + "\n" in seen["state"] + "\n"
    assert seen["bar"] == (1, 1)
    # no temporary file left beside it; a training export's (or gold's) data card is there
    from annotator import formats

    card = [f"{out.name}.card.md"] if fmt in formats.training_names() or gold else []
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, *card])


def test_export_keeps_only_the_ticked_labels_and_names_the_file_for_its_format(
    labeled, window, qtbot, monkeypatch, tmp_path
):
    out = tmp_path / "annotations.jsonl"
    seen = {}

    def drive(dialog):
        fill_export(qtbot, dialog, monkeypatch, out, "jsonl", EVERY_LAYER)
        dialog.unfinished.click()
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("spacy"))
        seen["spacy"] = (dialog.path.text(), dialog.align.isEnabled())
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("csv"))
        seen["csv"] = (dialog.path.text(), dialog.align.isEnabled())
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("jsonl"))
        names = [dialog.labels.item(i).text() for i in range(dialog.labels.count())]
        seen["names"] = names
        for i, name in enumerate(names):  # keep offer and denial only
            if name not in ("offer", "denial"):
                dialog.labels.item(i).setCheckState(Qt.CheckState.Unchecked)
        click(qtbot, dialog.go)
        qtbot.waitUntil(lambda: export_ended(dialog), timeout=WAIT)
        seen["state"] = dialog.state.text()
        close(qtbot, dialog)

    run_modal(qtbot, open_export(qtbot, window), drive)

    assert seen["spacy"] == (str(tmp_path / "annotations.spacy"), True)  # snapping applies to the DocBin only
    assert seen["csv"] == (str(tmp_path / "annotations.csv"), False)
    assert seen["names"][:7] == ["condition", "offer", "demand", "denial", "threat", "claim", "commitment"]
    records, labels = exported("jsonl", out)
    assert sorted(labels) == sorted(label for label in TESTER + BOB + GOLDEN if label[3] in ("offer", "denial"))
    assert records == 4  # every layer's every article stays, with or without those labels
    assert "labels: denial 1, offer 2" in seen["state"]


def test_export_with_no_label_ticked_says_so_and_writes_nothing(labeled, window, qtbot, monkeypatch, tmp_path):
    out = tmp_path / "none.jsonl"
    seen = {}

    def drive(dialog):
        fill_export(qtbot, dialog, monkeypatch, out, "jsonl")
        for i in range(dialog.labels.count()):
            dialog.labels.item(i).setCheckState(Qt.CheckState.Unchecked)
        click(qtbot, dialog.go)
        seen["state"] = dialog.state.text()
        seen["go"] = dialog.go.isEnabled()

    run_modal(qtbot, open_export(qtbot, window), drive)
    assert seen == {"state": "tick at least one label to export", "go": True}
    assert not out.exists()


def gate_after(monkeypatch, owner, name: str, n: int) -> threading.Event:
    """Make the generator `owner.name` pause after `n` items until the returned gate is opened."""
    gate = threading.Event()
    real = getattr(owner, name)

    def gated(*args, **kwargs):
        for i, item in enumerate(real(*args, **kwargs)):
            if i == n:
                gate.wait(WAIT / 1000)
            yield item

    monkeypatch.setattr(owner, name, gated)
    return gate


@pytest.fixture
def gated_rows(monkeypatch):
    """The export pauses after its first row until the test opens the gate (so Cancel lands mid-export)."""
    gate = gate_after(monkeypatch, Store, "export_rows", 1)
    yield gate
    gate.set()


def cancel(qtbot, dialog, how: str) -> None:
    """What a user does to stop: the Cancel button, or Escape."""
    if how == "escape":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    else:
        click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))


@pytest.mark.parametrize(
    ("old_file", "how"), [(True, "button"), (False, "escape")], ids=["old-file-kept", "no-file-made-escape"]
)
def test_cancelling_an_export_leaves_the_old_file_and_no_partial_one(
    labeled, window, qtbot, monkeypatch, tmp_path, gated_rows, old_file, how
):
    out = tmp_path / "annotations.jsonl"
    if old_file:
        out.write_text('{"text": "the old export"}\n', encoding="utf-8")
    seen = {}

    def drive(dialog):
        fill_export(qtbot, dialog, monkeypatch, out, "jsonl", EVERY_LAYER)  # 4 stored rows
        click(qtbot, dialog.go)
        qtbot.waitUntil(lambda: dialog.state.text() == "1 records written…", timeout=WAIT)
        seen["progress"] = (dialog.bar.value(), dialog.bar.maximum())
        cancel(qtbot, dialog, how)
        assert dialog.isVisible() and dialog.state.text() == "cancelling…"  # it stays until the export has stopped
        gated_rows.set()
        qtbot.waitUntil(lambda: export_ended(dialog), timeout=WAIT)
        seen["state"] = dialog.state.text()
        assert dialog.go.isEnabled()  # the user may export again, or leave with Cancel
        click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))
        assert not dialog.isVisible()

    run_modal(qtbot, open_export(qtbot, window), drive)

    assert seen["progress"] == (1, 4)
    assert seen["state"].startswith("export cancelled")
    assert "exported" not in seen["state"]
    if old_file:
        assert out.read_text(encoding="utf-8") == '{"text": "the old export"}\n'
    assert sorted(p.name for p in tmp_path.iterdir() if "annotations" in p.name) == ([out.name] if old_file else [])


@pytest.fixture
def unwritable_folder(tmp_path):
    """A read-only folder; as root (who may write anyway) a "folder" that is a file, which nobody can write in."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file", encoding="utf-8")
        yield blocker
    else:
        yield folder
    folder.chmod(0o755)


def test_an_export_that_cannot_write_shows_the_error_and_can_be_retried(
    labeled, window, qtbot, monkeypatch, tmp_path, unwritable_folder
):
    seen = {}

    def drive(dialog):
        fill_export(qtbot, dialog, monkeypatch, unwritable_folder / "annotations.jsonl", "jsonl")
        click(qtbot, dialog.go)
        qtbot.waitUntil(lambda: export_ended(dialog), timeout=WAIT)
        seen["failed"] = (dialog.state.text(), dialog.isVisible(), dialog.bar.isVisible())
        assert dialog.buttons.button(CLOSE) is None  # the dialog stays, to try elsewhere
        fill_export(qtbot, dialog, monkeypatch, tmp_path / "elsewhere.jsonl", "jsonl")
        click(qtbot, dialog.go)
        qtbot.waitUntil(lambda: export_ended(dialog), timeout=WAIT)
        seen["retried"] = dialog.state.text()
        close(qtbot, dialog)

    run_modal(qtbot, open_export(qtbot, window), drive)

    message, visible, busy_bar = seen["failed"]
    assert message.startswith("export failed: ") and "cannot write the export" in message
    assert "nothing was written" in message
    assert visible and not busy_bar
    assert seen["retried"].startswith("exported 1 record from 1 article")
    assert exported("jsonl", tmp_path / "elsewhere.jsonl") == (1, sorted(TESTER[:2]))
    assert window.isVisible() and window.session.article_id is not None


# -- import -------------------------------------------------------------------------------


@pytest.fixture
def rules_pipeline(project) -> None:
    """Pre-annotation after an import uses the rule-based pipeline: no trained model is loaded."""
    with Store.open(project) as store:
        store.set_setting("pipeline", settings.RULES_PIPELINE)


def choose_for_import(monkeypatch, *paths: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], ""))


def open_import(qtbot, window):
    return lambda: qtbot.keyClick(window.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)


def listed_titles(window) -> list[str]:
    model = window.list_panel.model
    while model.canFetchMore(QModelIndex()):  # what scrolling the list down does
        model.fetchMore(QModelIndex())
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_an_import_lists_bad_lines_as_file_line_reason_and_shows_the_good_articles(
    rules_pipeline, window, qtbot, monkeypatch, tmp_path, project
):
    jsonl = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            '{"text": "Kyiv welcomed the offer.", "meta": {"title": "Offer welcomed"}}',
            '{"text": "unfinished',
            '{"meta": {"title": "no text"}}',
            '{"text": "Moscow rejected the plan.", "meta": {"title": "Plan rejected"}}',
            "[1, 2]",
        ],
    )
    txt = tmp_path / "port.txt"
    txt.write_text("Odesa port reopened\n\nShips left at dawn.\n", encoding="utf-8")
    choose_for_import(monkeypatch, jsonl, txt)
    seen = {}

    def drive(dialog):
        assert dialog.objectName() == "importDialog"
        qtbot.waitUntil(lambda: dialog.buttons.button(CLOSE) is not None, timeout=WAIT)
        errors = dialog.findChild(object, "importErrors")
        assert errors.isVisible()
        seen["errors"] = [errors.item(i).text() for i in range(errors.count())]
        seen["state"] = dialog.state.text()
        close(qtbot, dialog)

    run_modal(qtbot, open_import(qtbot, window), drive)

    assert [e.split(": ", 1)[0] for e in seen["errors"]] == [f"{jsonl}:2", f"{jsonl}:3", f"{jsonl}:5"]
    assert seen["errors"][0].startswith(f"{jsonl}:2: not valid JSON")
    assert seen["errors"][1] == f'{jsonl}:3: missing "text"'
    assert seen["errors"][2].startswith(f"{jsonl}:5: expected a JSON object")
    assert seen["state"] == "3 new articles; 0 labels, 0 entities; 3 rejected (listed below)"
    with Store.open(project) as store:
        assert len(store.articles.article_ids()) == 5
    titles = listed_titles(window)
    assert {"Offer welcomed", "Plan rejected", "Odesa port reopened"} <= set(titles) and len(titles) == 5
    assert window.list_panel.progress_text.text() == "0 of 5 articles done"


def test_an_import_with_categories_new_to_the_scheme_says_where_they_are(
    rules_pipeline, window, qtbot, monkeypatch, tmp_path, project
):
    """A doccano text-classification file: its categories become the importer's, and the dialog names
    the ones the scheme did not have (shown in the group "other")."""
    jsonl = write_jsonl(
        tmp_path / "classes.jsonl", ['{"text": "Kyiv wants talks.", "label": ["diplomacy", "relevant"]}']
    )
    choose_for_import(monkeypatch, jsonl)
    seen = {}

    def drive(dialog):
        qtbot.waitUntil(lambda: dialog.buttons.button(CLOSE) is not None, timeout=WAIT)
        seen["state"] = dialog.state.text()
        close(qtbot, dialog)

    run_modal(qtbot, open_import(qtbot, window), drive)

    assert seen["state"].startswith(
        "1 new article; 0 labels, 0 entities, 2 article categories; "
        "1 article with only category answers, in progress (statements not asked)"
    )
    assert "1 article category new to this project's scheme (diplomacy)" in seen["state"]
    with Store.open(project) as store:
        assert [(who, c) for _, who, c in store.categories.category_rows()] == [
            ("tester", "diplomacy"),
            ("tester", "relevant"),
        ]


def test_an_import_of_a_folder_reads_every_article_file_in_it(
    rules_pipeline, window, qtbot, monkeypatch, tmp_path, project
):
    folder = tmp_path / "incoming"
    (folder / "more").mkdir(parents=True)
    write_jsonl(folder / "a.jsonl", ['{"text": "Kyiv welcomed the offer."}', "not json"])
    (folder / "more" / "b.txt").write_text("Moscow rejected the plan.\n", encoding="utf-8")
    (folder / "notes.md").write_text("not an article\n", encoding="utf-8")
    choose_for_import(monkeypatch, folder)
    seen = {}

    def drive(dialog):
        qtbot.waitUntil(lambda: dialog.buttons.button(CLOSE) is not None, timeout=WAIT)
        errors = dialog.findChild(object, "importErrors")
        seen["errors"] = [errors.item(i).text() for i in range(errors.count())]
        seen["state"] = dialog.state.text()
        close(qtbot, dialog)

    run_modal(qtbot, open_import(qtbot, window), drive)

    assert [e.split(": ", 1)[0] for e in seen["errors"]] == [f"{folder / 'a.jsonl'}:2"]
    assert seen["state"].startswith("2 new articles;")
    assert len(listed_titles(window)) == 4


@pytest.fixture
def gated_jsonl(monkeypatch):
    """Reading pauses after the first committed batch (200 records) until the test opens the gate."""
    gate = gate_after(monkeypatch, importing, "read_records", 200)
    yield gate
    gate.set()


@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancelling_an_import_keeps_the_committed_batches(
    rules_pipeline, window, qtbot, monkeypatch, tmp_path, project, gated_jsonl, how
):
    monkeypatch.setattr(settings, "IMPORT_BATCH", 200)  # batches of 200 records, so a few commit before the cancel
    big = write_jsonl(tmp_path / "big.jsonl", [srsly.json_dumps({"text": f"Article number {i}."}) for i in range(1000)])
    choose_for_import(monkeypatch, big)
    seen = {}

    def drive(dialog):
        qtbot.waitUntil(lambda: dialog.state.text() == "200 records imported…", timeout=WAIT)
        cancel(qtbot, dialog, how)
        assert dialog.isVisible() and dialog.state.text().startswith("cancelling")  # it stays until stopped
        gated_jsonl.set()
        qtbot.waitUntil(lambda: dialog.buttons.button(CLOSE) is not None, timeout=WAIT)
        seen["state"] = dialog.state.text()
        seen["bar"] = dialog.bar.isVisible()
        close(qtbot, dialog)

    run_modal(qtbot, open_import(qtbot, window), drive)

    with Store.open(project) as store:
        imported = len(store.articles.article_ids()) - 2
    assert 200 <= imported < 1000 and imported % 200 == 0  # whole batches only
    assert seen["state"].startswith(f"cancelled: {imported} new articles;")
    assert seen["bar"] is False  # no full bar for an import that stopped midway
    assert len(listed_titles(window)) == 2 + imported


def test_labels_an_import_brings_appear_in_the_label_bar_with_the_next_key(
    rules_pipeline, window, qtbot, monkeypatch, tmp_path, project
):
    first = TEXT.index(".") + 1
    team = write_jsonl(
        tmp_path / "team.jsonl",
        [
            srsly.json_dumps(
                {"text": TEXT, "spans": [{"start": 0, "end": first, "label": "proposal"}], "_annotator_id": "ben"}
            )
        ],
    )
    choose_for_import(monkeypatch, team)
    assert "proposal" not in window.labels.buttons

    def drive(dialog):
        qtbot.waitUntil(lambda: dialog.buttons.button(CLOSE) is not None, timeout=WAIT)
        close(qtbot, dialog)

    run_modal(qtbot, open_import(qtbot, window), drive)

    button = window.labels.buttons["proposal"]
    assert button.text().split() == ["8", "proposal"]
    window.activateWindow()  # as the desktop does when the modal dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.view, Qt.Key.Key_8)
    assert button.isChecked()
    assert any(labels == ("proposal",) for _, _, labels, _ in stored(project))


def test_the_export_dialog_offers_every_format_of_the_registry_and_only_its_options(
    labeled, window, qtbot, monkeypatch, tmp_path
):
    """Formats, file endings and options come from the registry: Label Studio and CoNLL are there,
    the tag scheme is a choice only for CoNLL, and a CoNLL export in BILOU writes BILOU tags."""
    from annotator import formats

    out = tmp_path / "annotations.jsonl"
    seen = {}

    def drive(dialog):
        seen["formats"] = [dialog.fmt.itemData(i) for i in range(dialog.fmt.count())]
        fill_export(qtbot, dialog, monkeypatch, out, "label-studio", None)
        seen["label-studio"] = (
            dialog.path.text(),
            dialog.format_options["tag-scheme"].isEnabled(),
            dialog.format_options["layers-as"].isEnabled(),
        )
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("conll"))
        seen["conll"] = (dialog.path.text(), dialog.format_options["tag-scheme"].isEnabled(), dialog.align.isEnabled())
        box = dialog.format_options["tag-scheme"]
        box.setCurrentIndex(box.findData("bilou"))
        dialog.who.setCurrentIndex(dialog.who.findData("tester"))
        click(qtbot, dialog.go)
        qtbot.waitUntil(lambda: export_ended(dialog), timeout=WAIT)
        seen["state"] = dialog.state.text()
        close(qtbot, dialog)

    run_modal(qtbot, open_export(qtbot, window), drive)

    assert seen["formats"] == [name for name, _ in formats.export_choices()]
    assert seen["label-studio"] == (str(out), False, True)  # the file the user chose stays chosen
    assert seen["conll"] == (str(tmp_path / "annotations.conll"), True, True)
    assert seen["state"].startswith("exported"), seen["state"]
    tags = {line.split()[-1] for line in (tmp_path / "annotations.conll").read_text().splitlines() if line.strip()}
    assert "U-PERSON" in tags and not any(tag.startswith("I-") for tag in tags), tags  # BILOU, not IOB2


@pytest.fixture
def categorised(labeled) -> Path:
    """tester gave the finished first article the categories relevant and positive (the default scheme)."""
    with Store.open(labeled) as store:
        store.categories.set_article_categories(store.articles.article_ids()[0], "tester", ["relevant", "positive"])
    return labeled


def test_the_export_dialog_writes_one_category_group_alone_for_spacys_textcat(
    categorised, window, qtbot, monkeypatch, tmp_path
):
    """Article categories JSONL with "stance alone": the stance's categories only, 1 or 0; the choice is
    off for a format that holds no categories (brat)."""
    out = tmp_path / "stance.jsonl"
    seen = {}

    def drive(dialog):
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("brat"))
        seen["brat"] = dialog.category_group.isEnabled()
        fill_export(qtbot, dialog, monkeypatch, out, "doccat")
        seen["groups"] = [dialog.category_group.itemText(i) for i in range(dialog.category_group.count())]
        dialog.category_group.setCurrentIndex(dialog.category_group.findData("stance"))
        click(qtbot, dialog.go)
        qtbot.waitUntil(lambda: export_ended(dialog), timeout=WAIT)
        seen["state"] = dialog.state.text()
        close(qtbot, dialog)

    run_modal(qtbot, open_export(qtbot, window), drive)

    assert seen["brat"] is False
    assert seen["groups"][0] == "Every group" and "stance alone (one of 3)" in seen["groups"]
    assert seen["state"].startswith("exported 1 record"), seen["state"]
    (record,) = [srsly.json_loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["cats"] == {"positive": 1.0, "negative": 0.0, "neutral": 0.0}


def test_the_import_dialog_offers_every_file_the_registry_reads(window, monkeypatch):
    from annotator import formats

    asked = {}

    def answer(_parent, _title, _folder, file_filter):
        asked["filter"] = file_filter
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", answer)
    window.import_files()
    assert asked["filter"] == formats.import_filter()
    assert "*.sqlite" in asked["filter"] and "*.conll" in asked["filter"] and "*.json " in asked["filter"]
