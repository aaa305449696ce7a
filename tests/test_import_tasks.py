"""Nothing half-imported, per task: a Label Studio task's annotations and predictions (several
records) go into the project together or not at all, whatever the batch size, a failure
mid-import or a sample."""

from __future__ import annotations

import copy

import pytest

from annotator.importing.run import ImportStopped, import_paths
from annotator.importing.sampling import Sample
from annotator.records import MODEL_LAYER_PREFIX
from annotator.store import Store, StoreError
from tests.test_import_label_studio import export_tasks, write_json

MODEL = MODEL_LAYER_PREFIX + "ner-2024-05"


def three_tasks() -> list[dict]:
    """Three tasks of three records each: two people's annotations and a model's prediction."""
    first = export_tasks()[0]
    tasks = []
    for n in range(3):
        task = copy.deepcopy(first)
        task["id"] = 100 + n
        task["data"]["text"] = f"{first['data']['text']} (report {n})"
        tasks.append(task)
    return tasks


def watch_batches(store: Store, monkeypatch, fail_at: int | None = None) -> list[list[int]]:
    """The Label Studio task id of every record, batch by batch; batch number `fail_at` fails (disk full)."""
    batches: list[list[int]] = []
    real = store.add_records

    def add_records(records, default_annotator):
        batches.append([rec.meta["label_studio_id"] for rec in records])
        if len(batches) == fail_at:
            raise StoreError("the disk is full")
        return real(records, default_annotator)

    monkeypatch.setattr(store, "add_records", add_records)
    return batches


@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_task_s_records_are_never_split_across_two_batches(store, tmp_path, monkeypatch, batch_size):
    batches = watch_batches(store, monkeypatch)
    report = import_paths(
        store, [write_json(tmp_path / "ls.json", three_tasks())], annotator="me", batch_size=batch_size
    )
    assert batches == [[100] * 3, [101] * 3, [102] * 3]
    assert report.counts.articles_added == 3 and report.counts.categories_added == 3  # a choice per task


def test_a_failed_batch_leaves_no_task_half_imported(store, tmp_path, monkeypatch):
    watch_batches(store, monkeypatch, fail_at=2)
    with pytest.raises(ImportStopped) as stopped:
        import_paths(store, [write_json(tmp_path / "ls.json", three_tasks())], annotator="me", batch_size=2)
    assert "a batch of 3 records" in str(stopped.value)
    rows = list(store.export_rows())
    assert {row.meta["label_studio_id"] for row in rows} == {100}
    assert sorted(row.annotator for row in rows) == ["anna@example.org", "ls-9", MODEL]


def test_a_sample_takes_whole_tasks(store, tmp_path):
    path = write_json(tmp_path / "ls.json", three_tasks())
    report = import_paths(store, [path], annotator="me", sample=Sample(2, seed=3))
    rows = list(store.export_rows())
    ids = {row.meta["label_studio_id"] for row in rows}
    assert len(ids) == 2 and report.counts.articles_added == 2
    for task_id in ids:
        layers = sorted(row.annotator for row in rows if row.meta["label_studio_id"] == task_id)
        assert layers == ["anna@example.org", "ls-9", MODEL]


def test_the_layers_of_one_article_of_a_teammate_s_file_come_in_together(tmp_path, monkeypatch):
    theirs = tmp_path / "anna.annotator.sqlite"
    with Store.create(theirs) as store:
        import_paths(store, [write_json(tmp_path / "ls.json", three_tasks())], annotator="me")
    with Store.create(tmp_path / "mine.annotator.sqlite") as mine:
        batches = watch_batches(mine, monkeypatch)
        import_paths(mine, [theirs], annotator="me", batch_size=1)
    assert batches == [[100] * 3, [101] * 3, [102] * 3]
