"""A brat `.ann` that is a link to a file outside its folder is refused as FILE:LINE: reason, and
nothing of that file is read or shown (the link may point at any file the user can read)."""

from __future__ import annotations

from annotator.store import Store


def test_a_linked_ann_outside_the_folder_is_refused_unread(cli, tmp_path, db_path):
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("T1\tpassword=hunter2 0 4\tKyiv\n", encoding="utf-8")
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("Kyiv offered a halt.", encoding="utf-8")
    (folder / "a.ann").symlink_to(secret)
    done = cli("import", "--no-ner", str(folder))
    assert "hunter2" not in done.output
    assert f"{folder / 'a.ann'}:1: a link to a file outside the folder of its .txt; not read" in done.output
    assert "Traceback" not in done.output
    if db_path.exists():
        with Store.open(db_path) as store:
            assert store.articles.article_ids() == []  # the article was not imported
