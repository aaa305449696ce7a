"""Bad input at the edges: refused by size before it is read, in bounded memory (peak resident
memory of a child process, measured), named by file, the rest imported; a folder import keeps to
its folder; an import stopped by a full disk says what it had saved."""

import json
import zlib

import pytest

from annotator import settings
from annotator.importing.run import ImportStopped, import_paths
from annotator.records import IncomingRecord
from annotator.store import Store
from tests.nothing_lost import IMPORT_PROBE, peak_memory_mb

BOUND_MB = 512
GOOD = json.dumps({"text": "Kyiv offered a halt to strikes on energy infrastructure."})


def good_jsonl(folder):
    path = folder / "good.jsonl"
    path.write_text(GOOD + "\n", encoding="utf-8")
    return path


def sparse(path, size, head=b""):
    """A file of `size` bytes that costs no disk: `head`, then NUL bytes with no line break."""
    with path.open("wb") as f:
        f.write(head)
        f.truncate(size)
    return path


def test_a_docbin_that_decompresses_to_gigabytes_is_refused_unread(tmp_path):
    bomb = tmp_path / "bomb.spacy"
    squeeze = zlib.compressobj(1)
    with bomb.open("wb") as out:
        chunk = b"\x00" * 2**24
        for _ in range(2 * 2**30 // len(chunk)):  # 2 GiB of zeros in a 9 MB file
            out.write(squeeze.compress(chunk))
        out.write(squeeze.flush())
    assert bomb.stat().st_size < 16 * 2**20
    good = good_jsonl(tmp_path)
    peak, out = peak_memory_mb(IMPORT_PROBE, tmp_path / "p.annotator.sqlite", bomb, good)
    assert f"REJECTED {bomb}:1: it decompresses to more than the 256 MiB a DocBin may hold; not read" in out
    assert "ARTICLES 1" in out
    assert peak < BOUND_MB, f"{peak:.0f} MB"


def test_a_docbin_file_too_large_to_read_is_refused_by_its_size(tmp_path):
    huge = sparse(tmp_path / "huge.spacy", 3 * 2**30)
    peak, out = peak_memory_mb(IMPORT_PROBE, tmp_path / "p.annotator.sqlite", huge)
    assert f"REJECTED {huge}:1: the file is 3 GiB, more than the 256 MiB a DocBin may be" in out
    assert peak < BOUND_MB, f"{peak:.0f} MB"


def test_a_two_gigabyte_line_without_a_newline_is_skipped_in_bounded_memory(tmp_path):
    line = sparse(tmp_path / "line.jsonl", 2 * 2**30, head=b'{"text": "')
    good = good_jsonl(tmp_path)
    peak, out = peak_memory_mb(IMPORT_PROBE, tmp_path / "p.annotator.sqlite", line, good)
    assert f"REJECTED {line}:1: line is longer than 64 MiB, skipped" in out
    assert "ARTICLES 1" in out
    assert peak < BOUND_MB, f"{peak:.0f} MB"


def test_the_line_after_an_over_long_one_still_comes_in(cli, db_path, tmp_path, monkeypatch):
    from annotator.formats import jsonl

    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "in.jsonl"
    long_line = json.dumps({"text": "x" * 5000})
    path.write_text(f"{GOOD}\n{long_line}\n{json.dumps({'text': 'After the long one.'})}\n", encoding="utf-8")
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1 and f"{path}:2: line is longer than" in result.stderr
    with Store.open(db_path) as store:
        assert {store.articles.article(i).text for i in store.articles.article_ids()} == {
            json.loads(GOOD)["text"],
            "After the long one.",
        }


def test_a_huge_text_file_in_a_folder_is_named_and_the_rest_is_imported(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    huge = sparse(folder / "huge.txt", 2**30, head=b"Title\n")
    good_jsonl(folder)
    (folder / "short.txt").write_text("Short\nKyiv and Moscow talk.", encoding="utf-8")
    peak, out = peak_memory_mb(IMPORT_PROBE, tmp_path / "p.annotator.sqlite", folder)
    assert f"REJECTED {huge}:1: the file is 1 GiB, more than the 64 MiB an article may be" in out
    assert "ARTICLES 2" in out
    assert peak < BOUND_MB, f"{peak:.0f} MB"


def test_a_folder_import_does_not_follow_links_out_of_the_folder(cli, db_path, tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "diary.txt").write_text("Secret diary\nTOP SECRET words.", encoding="utf-8")
    (outside / "notes.jsonl").write_text('{"text": "TOP SECRET too"}\n', encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "article.txt").write_text("Talks\nKyiv and Moscow talk.", encoding="utf-8")
    (folder / "same.txt").symlink_to(folder / "article.txt")  # a link inside the folder is fine
    (folder / "diary.txt").symlink_to(outside / "diary.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    result = cli("import", "--no-ner", folder)
    assert result.exit_code == 1
    assert f"{folder / 'diary.txt'}:1: a link to a file outside the imported folder; not followed" in result.stderr
    assert f"{folder / 'elsewhere'}:1: a link to a folder outside the imported folder; not followed" in result.stderr
    assert "TOP SECRET" not in result.output
    with Store.open(db_path) as store:
        assert [store.articles.article(i).text for i in store.articles.article_ids()] == [
            "Talks\nKyiv and Moscow talk."
        ]


def test_a_project_file_in_a_folder_is_named_not_merged_and_the_open_project_is_not_named(cli, tmp_path):
    """A teammate's project in the corpus folder is merged only by its name; it was passed over unsaid."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "article.txt").write_text("Talks\nKyiv and Moscow talk.", encoding="utf-8")
    teammate = folder / "anna.annotator.sqlite"
    assert cli("import", "--no-ner", folder / "article.txt", db=teammate).exit_code == 0
    mine = folder / "mine.annotator.sqlite"  # the project imported into sits in the folder too
    result = cli("import", "--no-ner", folder, db=mine)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{teammate}:1: a project file, which a folder import passes over; import it by its name to merge it",
        "1 file passed over, 0 rejected (see above)",
    ]
    only_projects = tmp_path / "team"
    only_projects.mkdir()
    teammate.rename(only_projects / teammate.name)
    result = cli("import", "--no-ner", only_projects, db=mine)
    assert result.exit_code == 1 and "folder has no .txt, .jsonl" in result.stderr
    assert "1 file passed over, 1 rejected" in result.stderr


def test_an_import_stopped_by_a_full_disk_says_what_it_had_saved(store, tmp_path):
    src = tmp_path / "in.jsonl"
    talks = "Kyiv and Moscow talk about a halt to strikes on energy infrastructure. " * 6
    src.write_text("".join(json.dumps({"text": f"Article {i}. {talks}"}) + "\n" for i in range(120)))

    def disk_fills_up(_n: int) -> None:  # after the first batch is on disk, no page more fits (each batch needs some)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(ImportStopped) as stopped:
        import_paths(store, [src], annotator="tester", batch_size=50, progress=disk_fills_up)
    message = str(stopped.value)
    assert "the disk is full" in message
    assert "batch of 50 records (in.jsonl:51 to in.jsonl:100), which was not saved" in message
    assert "saved before it: 50 new articles" in message
    assert store.stats()["articles"] == 50

    store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: the same import again
    report = import_paths(store, [src], annotator="tester", batch_size=50)
    assert report.counts.articles_added == 70 and store.stats()["articles"] == 120


def test_an_import_batch_of_long_articles_is_committed_before_it_grows_large(store, monkeypatch):
    monkeypatch.setattr(settings, "IMPORT_BATCH_CHARS", 10_000)
    seen = []
    records = [IncomingRecord("x" * 4000 + str(i), "t", "s", i) for i in range(10)]
    monkeypatch.setattr("annotator.importing.run.read_records", lambda path, **_: iter(records))
    import_paths(store, [store.path], annotator="tester", progress=seen.append)
    assert seen == [3, 3, 3, 1]
