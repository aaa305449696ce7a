"""Training on a project: the rule's examples, a held-out split, the model kept, and a report.

`train_project` is what `annotator train` and the window's Tools ▸ Train run (the window on a
worker thread, with its own Store connection): it reads the examples of one layer by the
export rule, holds out a seeded, stratified share, trains, scores, and keeps the model as the
project's latest (and writes it to `output` when asked). The report says per label how many
examples there were and how well the model did on the held-out ones, and warns of labels
with too few examples to learn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator import settings
from annotator.export.rule import ExportRefused
from annotator.learn.calibration import Calibration, fit_temperature
from annotator.learn.examples import HELD_OUT, MIN_EXAMPLES, TrainingData, held_out_split, training_data
from annotator.learn.models import ModelInfo, check_output, keep_model, new_version, write_pipeline
from annotator.text import path_shown


class NothingToLearn(Exception):
    """The layer has no finished article with a labeled statement: there is nothing to train on."""


@dataclass
class TrainingReport:
    """What one training did: the layer and rule, examples, figures per label, the model kept."""

    rule: str
    layer: str
    architecture: str = ""
    epochs: int = 0
    seconds: float = 0.0
    train_examples: int = 0
    held_out_examples: int = 0
    negatives: int = 0
    #: Per label: examples (train + held out), precision/recall/F1 on the held-out ones.
    labels: list[dict[str, Any]] = field(default_factory=list)
    macro_f1: float | None = None
    #: Temperature scaling on the held-out split (`learn.calibration`): temperature, ECE before/after.
    calibration: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Articles the rule left out, by reason.
    left_out: dict[str, int] = field(default_factory=dict)
    model: ModelInfo | None = None
    output: str | None = None
    cancelled: bool = False

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["model"] = self.model.as_dict() if self.model else None
        return data

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        if self.cancelled:
            return ["training cancelled: nothing was kept; the previous model (if any) stays the latest"]
        out = [
            f"trained on {self.rule}",
            f"{self.train_examples} examples to train, {self.held_out_examples} held out "
            f"({self.negatives} negatives in all); {self.architecture}, {self.epochs} epochs, {self.seconds:.1f} s",
            "",
            f"{'label':<16} {'examples':>8} {'held out':>8} {'P':>6} {'R':>6} {'F1':>6}",
        ]
        for item in self.labels:
            figures = (
                " ".join(f"{item[k]:>6.2f}" for k in ("precision", "recall", "f1"))
                if item["f1"] is not None
                else f"{'-':>6} {'-':>6} {'-':>6}"
            )
            out.append(f"{item['label']:<16} {item['examples']:>8} {item['held_out']:>8} {figures}")
        measured = sum(item["f1"] is not None for item in self.labels)
        macro = f"{self.macro_f1:.3f}" if self.macro_f1 is not None else "n/a (no label has a held-out example)"
        out += ["", f"macro F1 {macro} (over the {measured} labels with held-out examples)"]
        if self.calibration:
            out.append(Calibration(**self.calibration).line())
        gated = [item["label"] for item in self.labels if not _earns(item)]
        if gated:
            out.append(
                f"not suggested by the model until they have {settings.SUGGEST_MIN_EXAMPLES} examples and held-out "
                f"F1 {settings.SUGGEST_MIN_F1:.2f}: {', '.join(gated)}"
            )
        if self.left_out:
            out.append("left out: " + "; ".join(f"{n} articles {why}" for why, n in self.left_out.items()))
        if self.model is not None:
            out.append(f"model {self.model.version} is the project's latest ({path_shown(self.model.path)})")
        if self.output:
            out.append(f"wrote a spaCy pipeline to {path_shown(self.output)} (spacy.load it; it needs spaCy only)")
        return out


def train_project(
    store,
    *,
    annotator: str | None = None,
    gold: bool = False,
    output: Path | None = None,
    keep: bool = True,
    architecture: str = "auto",
    epochs: int | None = None,
    seed: int = 0,
    held_out: float = HELD_OUT,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TrainingReport:
    """Train on `store`'s statements (see the module docstring) and return the report.

    `progress(done, total)` after each batch; `cancelled()` is asked between batches: when it
    returns True nothing is kept and the report says `cancelled`. `keep` makes the model the
    project's latest (the window's suggestions); `output` also writes it as a spaCy pipeline
    folder. Raises `ExportRefused` (no layer can be chosen), `NothingToLearn`, or
    `ModelFolderError` (an `output` that is not empty and not a pipeline) before any training.
    """
    from annotator.learn.training import TrainingCancelled, score, train_textcat

    if output is not None:
        check_output(Path(output), store.path)
    try:
        data = training_data(store, annotator=annotator, gold=gold)
    except ExportRefused as exc:
        if str(exc).startswith("nothing to export"):  # the export's advice (--all-layers …) is no training's
            raise ExportRefused(
                "nothing to train on: no annotator has labeled or finished an article yet. "
                "Label statements in the window and mark their articles done, then train"
            ) from None
        raise
    report = TrainingReport(data.rule.describe(), data.rule.layer or "", left_out=dict(data.left_out))
    positives = data.per_label()
    if not any(positives.values()):
        why = "; ".join(f"{n} articles {reason}" for reason, n in data.left_out.items())
        raise NothingToLearn(
            f"nothing to train on: no labeled statement in an article {data.rule.layer} finished"
            + (f" (left out: {why})" if why else "")
            + ". Label statements and mark their articles done"
        )
    train, held = held_out_split(data.examples, held_out, seed)
    report.train_examples, report.held_out_examples, report.negatives = len(train), len(held), data.negatives
    try:
        fitted = train_textcat(
            train,
            data.labels,
            architecture=architecture,
            epochs=epochs,
            seed=seed,
            progress=progress,
            cancelled=cancelled,
        )
    except TrainingCancelled:
        report.cancelled = True
        return report
    report.architecture, report.epochs, report.seconds = fitted.architecture, fitted.epochs, fitted.seconds
    scores, report.macro_f1 = score(fitted.nlp, train, held, data.labels)
    report.labels = [asdict(s) for s in scores]
    report.calibration = asdict(calibrate(fitted.nlp, held, data.labels))
    report.warnings = _warnings(data, positives)
    version = new_version()
    fitted.nlp.meta.update(_meta(data, report, version))
    if keep:
        info = ModelInfo(
            version,
            Path(),
            datetime.now(UTC).isoformat(timespec="seconds"),
            report.layer,
            tuple(data.labels),
            fitted.architecture,
            len(data.examples),
            report.macro_f1,
        )
        report.model = keep_model(store.path, fitted.nlp, info)
    if output is not None:
        report.output = str(write_pipeline(fitted.nlp, Path(output)))
    return report


def _earns(item: dict[str, Any]) -> bool:
    """Whether a label's figures earn its model suggestions a place on screen (`settings`)."""
    return item["examples"] >= settings.SUGGEST_MIN_EXAMPLES and (item["f1"] or 0.0) >= settings.SUGGEST_MIN_F1


def calibrate(nlp, held_out, labels) -> Calibration:
    """Temperature scaling of the model's probabilities on the held-out examples."""
    texts = [example.text for example in held_out]
    pairs = [
        (float(doc.cats.get(label, 0.0)), label in example.labels)
        for example, doc in zip(held_out, nlp.pipe(texts, batch_size=256), strict=True)
        for label in labels
    ]
    return fit_temperature(pairs)


def _warnings(data: TrainingData, positives) -> list[str]:
    warnings = []
    for label in data.too_few():
        n = positives[label]
        if n == 0:
            warnings.append(f"{label}: no example yet; the model cannot suggest it")
        else:
            warnings.append(
                f"{label}: only {n} example{'s' * (n != 1)} (fewer than {MIN_EXAMPLES}); too few to learn - "
                "its suggestions and figures are not to be trusted yet"
            )
    return warnings


def _meta(data: TrainingData, report: TrainingReport, version: str) -> dict[str, Any]:
    """spaCy's meta.json: a name, the labels, the held-out figures, and where the model came from."""
    from annotator import __version__

    return {
        "name": "annotator_textcat",
        "version": "1.0.0",
        "description": f"Statement classifier trained by Annotator {__version__} on {report.rule}",
        "labels": {"textcat_multilabel": list(data.labels)},
        "performance": {
            "cats_macro_f": report.macro_f1,
            "cats_f_per_type": {
                item["label"]: {"p": item["precision"], "r": item["recall"], "f": item["f1"]}
                for item in report.labels
                if item["f1"] is not None
            },
        },
        "annotator": {
            "model_version": version,
            # what the suggestions need: the calibration and each label's figures (`Suggester`)
            "temperature": report.calibration.get("temperature", 1.0),
            "labels": {item["label"]: {"examples": item["examples"], "f1": item["f1"]} for item in report.labels},
            "layer": report.layer,
            "examples": len(data.examples),
            "held_out": report.held_out_examples,
            "architecture": report.architecture,
        },
    }
