"""A user trains a statement classifier on their project and takes the model away.

`annotator train` on an invented, finished project prints what the model learned per label;
the model becomes the project's latest (for the window's suggestions), `--output DIR` is a
spaCy pipeline that runs in a process that never imports Annotator, and a cancelled training
keeps nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from annotator.learn.models import latest_model, model_home
from annotator.learn.project import NothingToLearn, train_project
from tests.learn_project import generated_project, tiny_project

pytestmark = pytest.mark.spacy
SENTENCE = "Washington called on Moscow to exchange prisoners."


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A generated project of 40 finished articles, trained once (bag of words: fast) with --output."""
    folder = tmp_path_factory.mktemp("trained")
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNOTATOR_DATA_DIR", str(folder / "data"))
    steps = []
    with generated_project(folder / "news.annotator.sqlite", 40) as store:
        report = train_project(
            store, architecture="bow", output=folder / "model", progress=lambda d, t: steps.append((d, t))
        )
        latest = latest_model(store.path)
    yield folder, report, latest, steps
    mp.undo()


def test_training_reports_every_label_with_its_examples_and_figures(trained):
    _, report, _, _ = trained
    assert [item["label"] for item in report.labels] == [
        "condition",
        "offer",
        "demand",
        "denial",
        "threat",
        "claim",
        "commitment",
    ]
    for item in report.labels:
        assert item["examples"] == item["train"] + item["held_out"] and item["held_out"] >= 1
        assert 0.0 <= item["f1"] <= 1.0
    assert (
        sum(item["examples"] for item in report.labels) + report.negatives
        >= report.train_examples + report.held_out_examples
    )
    assert report.held_out_examples == pytest.approx(0.2 * (report.train_examples + report.held_out_examples), rel=0.2)
    assert report.macro_f1 == pytest.approx(sum(i["f1"] for i in report.labels) / 7)
    assert report.macro_f1 > 0.5, "the generated labels are learnable: the model must do better than chance"
    assert report.architecture == "bow" and report.seconds > 0


def test_progress_runs_to_the_total_batch_by_batch(trained):
    _, _, _, steps = trained
    done = [d for d, _ in steps]
    assert done == list(range(1, len(steps) + 1)) and steps[-1][0] == steps[-1][1]


def test_the_model_becomes_the_projects_latest_in_the_users_data_folder(trained):
    folder, report, latest, _ = trained
    assert latest is not None and latest.version == report.model.version
    assert latest.path.parent == folder / "data" / "models" / model_home(folder / "news.annotator.sqlite").name
    assert latest.labels == tuple(item["label"] for item in report.labels)
    assert latest.macro_f1 == report.macro_f1


def test_the_output_folder_predicts_in_a_process_that_cannot_import_annotator(trained, tmp_path):
    folder, report, _, _ = trained
    code = textwrap.dedent(
        f"""
        import sys, json

        class NoAnnotator:
            def find_spec(self, name, path=None, target=None):
                if name == "annotator" or name.startswith("annotator."):
                    raise ImportError("Annotator is not available here")
                return None

        sys.meta_path.insert(0, NoAnnotator())
        import spacy
        nlp = spacy.load({str(folder / "model")!r})
        doc = nlp({SENTENCE!r})
        print(json.dumps({{"cats": doc.cats, "pipes": nlp.pipe_names, "meta": nlp.meta["annotator"],
                          "annotator": [m for m in sys.modules if m.split(".")[0] == "annotator"]}}))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    out = json.loads(result.stdout)
    assert out["annotator"] == [] and out["pipes"] == ["textcat_multilabel"]
    assert max(out["cats"], key=out["cats"].get) == "demand"
    from annotator.learn.calibration import scaled
    from annotator.learn.suggest import Suggester

    here = Suggester.from_path(folder / "model").suggest(1, 0, len(SENTENCE), SENTENCE)
    # the same model says the same in the window, calibrated by the temperature its meta carries
    calibrated = {label: scaled(p, out["meta"]["temperature"]) for label, p in out["cats"].items()}
    assert here.probabilities == pytest.approx(calibrated, abs=1e-6), "the same model says the same in the window"
    assert out["meta"]["model_version"] == report.model.version


def test_cancelling_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    calls = []
    with generated_project(tmp_path / "p.annotator.sqlite", 8) as store:
        report = train_project(
            store, architecture="bow", output=tmp_path / "out", cancelled=lambda: calls.append(1) or len(calls) > 3
        )
        assert report.cancelled and report.model is None
        assert latest_model(store.path) is None
    assert not (tmp_path / "out").exists()
    assert "cancelled" in report.lines()[0]


def test_an_output_folder_holding_something_else_is_refused_before_training(tmp_path, monkeypatch):
    from annotator.learn.models import ModelFolderError

    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine", encoding="utf-8")
    with generated_project(tmp_path / "p.annotator.sqlite", 6) as store:
        with pytest.raises(ModelFolderError, match="not empty"):
            train_project(store, output=tmp_path / "notes")
        assert latest_model(store.path) is None
    assert (tmp_path / "notes" / "todo.txt").read_text(encoding="utf-8") == "mine"


def test_nothing_to_learn_says_what_to_do(tmp_path):
    with generated_project(tmp_path / "p.annotator.sqlite", 4, finished=0) as store:
        store.articles.set_status(1, "oracle", "in_progress")
        with pytest.raises(NothingToLearn, match="mark their articles done"):
            train_project(store)


def test_a_label_with_too_few_examples_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    with tiny_project(tmp_path / "tiny.annotator.sqlite") as store:
        report = train_project(store, architecture="bow", epochs=2)
    warned = "\n".join(report.warnings)
    assert "condition: only 1 example (fewer than 10); too few to learn" in warned
    assert "threat: no example yet; the model cannot suggest it" in warned


def test_annotator_train_as_a_new_user_runs_it(cli, db_path, tmp_path):
    generated_project(db_path, 12).close()
    result = cli("train", "--architecture", "bow", "--output", tmp_path / "model")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "trained on oracle's labels - the project's only annotator" in out
    assert "label            examples held out      P      R     F1" in out
    assert "macro F1 " in out and "is the project's latest" in out and f"wrote a spaCy pipeline to {tmp_path}" in out
    assert (tmp_path / "model" / "meta.json").is_file()

    again = cli("train", "--architecture", "bow", "--json")
    report = json.loads(again.output)
    assert report["ok"] and report["layer"] == "oracle" and len(report["labels"]) == 7
    assert report["model"]["version"] != "" and report["macro_f1"] is not None


def test_one_finished_article_fits_no_temperature_and_the_report_says_why(cli, db_path, tmp_path):
    """The tryout: one done article left a held-out part with no positive example, and a temperature
    of 0.25-0.37 was fitted on it, making every suggestion overconfident."""
    from annotator.learn.suggest import Suggester

    generated_project(db_path, 3, finished=1).close()
    result = cli("train", "--architecture", "bow", "--output", tmp_path / "model")
    assert result.exit_code == 0, result.output
    assert "calibration: temperature not fitted: held-out set has 0 positive examples (at least 10 needed)" in (
        result.output
    )
    assert json.loads((tmp_path / "model" / "meta.json").read_text())["annotator"]["temperature"] == 1.0
    assert Suggester.from_path(tmp_path / "model").temperature == 1.0
    report = json.loads(cli("train", "--architecture", "bow", "--json").output)
    assert report["calibration"]["temperature"] == 1.0 and report["calibration"]["positives"] == 0


def test_a_temperature_is_fitted_only_on_enough_positives_and_negatives():
    from annotator.learn.calibration import MIN_EACH, fit_temperature

    overconfident = [(0.99, i % 2 == 0) for i in range(4 * MIN_EACH)]  # right half the time
    fitted = fit_temperature(overconfident)
    assert fitted.temperature > 1.5 and not fitted.not_fitted and fitted.ece_after < fitted.ece_before
    few = fit_temperature([(0.99, True)] * (MIN_EACH - 1) + [(0.01, False)] * 50)
    assert few.temperature == 1.0 and few.not_fitted == "held-out set has 9 positive examples (at least 10 needed)"
    assert fit_temperature([(0.6, True)] * 50).not_fitted == "held-out set has 0 negative examples (at least 10 needed)"


def test_annotator_train_asks_which_layer_when_two_annotators_finished_work(cli, db_path):
    with generated_project(db_path, 6) as store:
        store.articles.set_status(1, "ben", "done")
    result = cli("train")
    assert result.exit_code == 1
    assert "choose one layer - --annotator NAME or --gold" in result.output and "--all-layers" not in result.output
    assert cli("train", "--annotator", "oracle", "--architecture", "bow").exit_code == 0


def test_training_in_a_child_process_reports_progress_and_keeps_the_model(tmp_path, monkeypatch):
    from annotator.learn.background import train_in_subprocess

    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "p.annotator.sqlite"
    generated_project(path, 10).close()
    steps = []
    report = train_in_subprocess(path, architecture="bow", epochs=3, progress=lambda d, t: steps.append((d, t)))
    assert report.model is not None and latest_model(path).version == report.model.version
    assert steps and steps[-1][0] == steps[-1][1]
    assert train_in_subprocess(path, architecture="bow", cancelled=lambda: True).cancelled
    assert latest_model(path).version == report.model.version  # the cancelled one kept nothing
    generated_project(tmp_path / "empty.annotator.sqlite", 3, finished=0).close()
    from annotator.export.rule import ExportRefused

    with pytest.raises(ExportRefused, match="no annotator has labeled or finished an article yet"):
        train_in_subprocess(tmp_path / "empty.annotator.sqlite")


def test_train_help_says_how_examples_are_chosen_and_nothing_training_never_reads():
    """`train --help` gives the export rule's parts that choose the examples (layer, articles, what a
    missing label means), not its paragraphs on CoNLL's entities or article categories."""
    from click.testing import CliRunner

    from annotator.cli import main

    shown = CliRunner().invoke(main, ["train", "--help"]).output
    for part in ("Which layer:", "Which articles:", "What a missing label means:"):
        assert part in shown
    assert "Entities (conll)" not in shown and "Article categories come from" not in shown
