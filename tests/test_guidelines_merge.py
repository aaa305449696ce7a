"""A teammate's merged file keeps the guidelines version she worked under; without one, the card says so."""

from __future__ import annotations

from annotator.store import Store
from tests.test_agreement import add, make_text

GUIDE = "# Guide\n\n## offer\n\nA proposal.\n"
OLDER = "# Guide\n\n## offer\n\nAnything offered.\n"
NEWEST = GUIDE + "\n## demand\n\nA request.\n"


def _teammate(path, guide: str | None) -> None:
    with Store.create(path) as store:
        if guide is not None:
            store.guidelines.add(guide, "lead")
        add(store, make_text(0), "tina", [(0, 5, "offer")])


def _versions(db_path, name: str) -> tuple[list[int | None], list[int | None]]:
    with Store.open(db_path) as store:
        status = [v for a, who, v in store.guidelines.decision_versions() if who == name]
        labels = [
            row[0]
            for row in store.conn.execute(
                "SELECT l.guidelines_version FROM statement_labels l JOIN statements s ON s.id = l.statement_id "
                "JOIN annotators a ON a.id = s.annotator_id WHERE a.name = ?",
                (name,),
            )
        ]
        return status, labels


def test_a_merged_layer_keeps_the_version_its_annotator_worked_under(cli, db_path, tmp_path):
    with Store.create(db_path) as store:
        store.guidelines.add(OLDER, "lead")  # ours: 1 older, 2 her text, 3 newer
        store.guidelines.add(GUIDE, "lead")
        store.guidelines.add(NEWEST, "lead")
    her = tmp_path / "tina.sqlite"
    _teammate(her, GUIDE)  # her version 1 is our version 2
    assert cli("import", "--no-ner", her).exit_code == 0
    assert _versions(db_path, "tina") == ([2], [2])
    with Store.open(db_path) as store:
        assert store.guidelines.assumed() == set()


def test_a_file_without_guidelines_gets_the_current_version_and_the_card_says_so(cli, db_path, tmp_path):
    with Store.create(db_path) as store:
        store.guidelines.add(GUIDE, "lead")
        store.guidelines.add(NEWEST, "lead")
    her = tmp_path / "tina.sqlite"
    _teammate(her, None)
    assert cli("import", "--no-ner", her).exit_code == 0
    assert _versions(db_path, "tina") == ([2], [2])
    with Store.open(db_path) as store:
        assert store.guidelines.assumed() == {(1, "tina")}
    cli("export", tmp_path / "tina.jsonl", "--format", "textcat", "--annotator", "tina")
    card = (tmp_path / "tina.jsonl.card.md").read_text(encoding="utf-8")
    assert "1 of them were merged from a teammate's project file that carried no guidelines" in card

    with Store.open(db_path) as store:  # decided again here: no longer an assumption
        store.articles.set_status(1, "tina", "in_progress")
        assert store.guidelines.assumed() == set()


def test_a_text_this_project_does_not_hold_is_an_assumption_too(cli, db_path, tmp_path):
    with Store.create(db_path) as store:
        store.guidelines.add(NEWEST, "lead")
    her = tmp_path / "tina.sqlite"
    _teammate(her, OLDER)
    assert cli("import", "--no-ner", her).exit_code == 0
    assert _versions(db_path, "tina") == ([1], [1])
    with Store.open(db_path) as store:
        assert store.guidelines.assumed() == {(1, "tina")}


def test_an_import_under_guidelines_counts_each_label_once(cli, db_path, tmp_path):
    with Store.create(db_path) as store:
        store.guidelines.add(GUIDE, "lead")  # its trigger stamps each new label: no second label
    her = tmp_path / "tina.sqlite"
    _teammate(her, GUIDE)
    result = cli("import", "--no-ner", her)
    assert "; 1 label, " in result.output, result.output
