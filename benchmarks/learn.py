"""The model in the loop: training time and macro F1, suggestion latency, and an oracle annotator.

The corpus is generated (`benchmarks.statements_corpus`: news statements of the seven default
labels from several phrasings each, unbalanced, mixed per article, with 4% label noise), so its
labels are learnable and known. Figures:

- training time and macro F1 at 100, 300 and 1,000 labeled statements (statements carrying a
  label; their articles' other sentences are the negatives), for both spaCy architectures, as
  `annotator train` runs it: F1 on its own held-out 20%, and on a fixed test set of 80 other
  articles (936 statements, 363 of them labeled: steadier);
- suggestion latency per statement (uncached: the model and the rules), against bare `nlp(text)`
  of the same pipeline; target 5 ms;
- the longest stall of another Python thread (a stand-in for the GUI thread: it asks to wake up
  every millisecond) while a model trains in a child process, or on a worker thread; target 50 ms;
- the simulation: an oracle annotator finishes whole articles (the training-data rule learns from
  finished articles only) in document order, or most-uncertain-first (`UncertaintyIndex.articles`),
  retraining after every ~60 statements; macro F1 on the fixed test set against statements
  decided. Printed as a table and plotted to docs/learning-curves.png.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path

from benchmarks import Result
from benchmarks.statements_corpus import LABELS, articles, build_project, statements_in

SUITE = "learn"
ROOT = Path(__file__).resolve().parent.parent
PLOT = ROOT / "docs" / "learning-curves.png"
POOL_SEED, TEST_SEED = 18, 99
#: The oracle's simulation: articles to choose from, first articles (both orders), statements per round.
POOL, START, ROUND, UP_TO = 200, 5, 60, 1000
TARGETS = (0.8, 0.85, 0.9)


def run(workdir: Path, quick: bool) -> list[Result]:
    os.environ["ANNOTATOR_DATA_DIR"] = str(workdir / "data")  # models go here, never to the user's folder
    from annotator.learn.examples import Example

    test = [Example(s.text, s.labels, 0, 0, 1) for s in statements_in(articles(80, seed=TEST_SEED))]
    pool = articles(2 * POOL, seed=POOL_SEED)  # the simulation chooses from the first POOL of them
    results: list[Result] = []
    sizes = (100, 300) if quick else (100, 300, 1000)
    models = {}
    for size in sizes:
        for architecture in ("bow", "ensemble"):
            if quick and architecture == "ensemble" and size > 100:
                continue
            result, model = _train_at(workdir, pool, size, architecture, test)
            results.append(result)
            models[(architecture, size)] = model
    results += _latency(models, test)
    results += _stall(workdir, pool)
    simulated, curves = simulate(
        workdir, pool[:POOL], test, up_to=400 if quick else UP_TO, plot=None if quick else PLOT
    )
    results += simulated
    if not quick:
        results += compare_measures(workdir, pool[:POOL], test, curves)
    return results


def _first_articles(pool, labeled: int) -> int:
    """How many articles, in order, hold at least `labeled` labeled statements."""
    seen = 0
    for n, article in enumerate(pool, 1):
        seen += sum(bool(s.labels) for s in article.statements)
        if seen >= labeled:
            return n
    raise ValueError(f"the pool holds fewer than {labeled} labeled statements")


def _train_at(workdir: Path, pool, size: int, architecture: str, test) -> tuple[Result, Path]:
    from annotator.learn.project import train_project
    from annotator.learn.suggest import Suggester
    from annotator.learn.training import score

    n = _first_articles(pool, size)
    with build_project(workdir / f"train-{architecture}-{size}.annotator.sqlite", pool[:n]) as store:
        report = train_project(store, architecture=architecture)
    nlp = Suggester.from_path(report.model.path).nlp
    _, test_f1 = score(nlp, [], test, LABELS)
    examples = report.train_examples + report.held_out_examples
    note = (
        f"{size} labeled statements in {n} articles ({examples} examples, {report.held_out_examples} held out), "
        f"{report.epochs} epochs; macro F1 {report.macro_f1:.3f} held out, {test_f1:.3f} on the test set"
    )
    result = Result(SUITE, f"train {architecture}, {size} labeled", report.seconds, "s", note=note)
    return result, report.model.path


def _latency(models: dict, test) -> list[Result]:
    from annotator.learn.rules import default_rules
    from annotator.learn.suggest import Suggester

    texts = list(dict.fromkeys(e.text for e in test))[:600]
    out = []
    for (architecture, size), path in sorted(models.items(), key=lambda item: -item[0][1]):
        if size != max(s for a, s in models if a == architecture):
            continue
        suggester = Suggester.from_path(path, default_rules())
        nlp = suggester.nlp
        for text in texts[:20]:  # warm up
            nlp(text)
        bare = []
        for text in texts:
            t0 = time.perf_counter()
            nlp(text)
            bare.append(time.perf_counter() - t0)
        ours = []
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            suggester.suggest(i, 0, len(text), text)
            ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for i, text in enumerate(texts):
            suggester.suggest(i, 0, len(text), text)
        cached = (time.perf_counter() - t0) / len(texts)
        p99 = sorted(ours)[int(len(ours) * 0.99)]
        fresh = Suggester.from_path(path, default_rules())
        article = [(i, 0, len(text), text) for i, text in enumerate(texts)]
        t0 = time.perf_counter()
        for first in range(0, len(article), 12):  # an article's statements at once, as on opening it
            fresh.suggest_many(article[first : first + 12])
        batched = (time.perf_counter() - t0) / len(texts)
        out.append(
            Result(
                SUITE,
                f"suggest one statement ({architecture})",
                statistics.mean(ours) * 1000,
                "ms",
                target=5.0,
                note=f"{len(texts)} statements, model and {len(suggester.rules.rules)} rules; p99 {p99 * 1000:.2f} ms; "
                f"bare nlp(text) {statistics.mean(bare) * 1000:.2f} ms; batched 12 a time (an article on opening) "
                f"{batched * 1000:.2f} ms; cached {cached * 1e6:.1f} µs",
            )
        )
    return out


def _heartbeat(work) -> list[float]:
    """Gaps (s) between wake-ups of this thread, asking every millisecond, while `work` runs on another."""
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (work(), finished.set()))
    gaps = []
    worker.start()
    last = time.perf_counter()
    while not finished.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    return sorted(gaps)


def _stall(workdir: Path, pool) -> list[Result]:
    """The longest wait of a thread that asks to wake every millisecond (the GUI thread's stand-in)
    while a model trains: in a child process (`train_in_subprocess`, what the window should use),
    and on another thread of the same process — `training.warm_up` (once, while spaCy loads), the
    first training after it, a later one; and the same thread with nothing running (the machine's
    own noise)."""
    from annotator.learn.background import train_in_subprocess
    from annotator.learn.examples import Example
    from annotator.learn.training import train_textcat, warm_up

    n = _first_articles(pool, 300)
    examples = [Example(s.text, s.labels, 0, 0, 1) for s in statements_in(pool[:n])]

    def training() -> None:
        train_textcat(examples, LABELS, architecture="ensemble", epochs=3)

    with build_project(workdir / "stall.annotator.sqlite", pool[:n]) as store:
        project = store.path

    def in_child() -> None:
        train_in_subprocess(project, architecture="ensemble", epochs=3, keep=False)

    idle = _heartbeat(lambda: time.sleep(3))
    measured = [
        ("in a child process (train_in_subprocess)", _heartbeat(in_child), 50.0),
        ("on a thread: warm-up (once, while spaCy loads)", _heartbeat(warm_up), None),
        ("on a thread: the first training", _heartbeat(training), 50.0),
        ("on a thread: a later training", _heartbeat(training), 50.0),
    ]
    out = []
    for name, gaps, target in measured:
        out.append(
            Result(
                SUITE,
                f"longest stall of another thread: {name}",
                gaps[-1] * 1000,
                "ms",
                target=target,
                note=f"ensemble, {len(examples)} examples, 3 epochs; p99 wait "
                f"{gaps[int(len(gaps) * 0.99)] * 1000:.1f} ms; with nothing running: longest "
                f"{idle[-1] * 1000:.1f} ms, p99 {idle[int(len(idle) * 0.99)] * 1000:.1f} ms",
            )
        )
    return out


# -- the oracle annotator ---------------------------------------------------------------------


def _finish(store, pool, article_ids) -> None:
    """The oracle finishes these articles: every labeled statement as the generator labeled it, and done."""
    from annotator.records import IncomingRecord, Span

    records = []
    for article_id in article_ids:
        article = pool[article_id - 1]
        text, bounds = article.text_and_bounds()
        spans = [
            Span(s, e, label) for (s, e), st in zip(bounds, article.statements, strict=True) for label in st.labels
        ]
        records.append(
            IncomingRecord(text, article.title, "generated", article_id, spans=spans, annotator="oracle", status="done")
        )
    store.add_records(records, "oracle")


def curve(
    workdir: Path,
    pool,
    test,
    order: str,
    *,
    up_to: int,
    architecture: str = "auto",
    measure: str | None = None,
    aggregate: str | None = None,
) -> list[tuple[int, int, float, float]]:
    """(statements decided, labels given, macro F1 on the test set, training seconds) after each round."""
    from annotator.learn.examples import training_data
    from annotator.learn.suggest import Suggester
    from annotator.learn.training import score, train_textcat
    from annotator.learn.uncertainty import DEFAULT_AGGREGATE, DEFAULT_MEASURE, UncertaintyIndex

    measure, aggregate = measure or DEFAULT_MEASURE, aggregate or DEFAULT_AGGREGATE
    name = f"sim-{order}-{architecture}-{measure}-{aggregate}.annotator.sqlite"
    points = []
    with build_project(workdir / name, pool, finished=0) as store:
        _finish(store, pool, range(1, START + 1))
        while True:
            data = training_data(store)
            fitted = train_textcat(data.examples, LABELS, architecture=architecture)
            _, f1 = score(fitted.nlp, [], test, LABELS)
            labels = sum(len(e.labels) for e in data.examples)
            points.append((len(data.examples), labels, f1, fitted.seconds))
            if len(data.examples) >= up_to:
                return points
            done, _ = store.suggestions.decided_state("oracle")
            if order == "document":
                queue = [a for a in store.articles.article_ids() if a not in done]
            else:
                suggester = Suggester(fitted.nlp, model_version="sim")
                index = UncertaintyIndex.build(
                    store, suggester.probabilities, "sim", annotator="oracle", measure=measure
                )
                queue = [a.article_id for a in index.articles(store, "oracle", aggregate)]
            chosen, statements = [], 0
            for article_id in queue:
                chosen.append(article_id)
                statements += len(pool[article_id - 1].statements)
                if statements >= ROUND:
                    break
            if not chosen:
                return points
            _finish(store, pool, chosen)


def labels_to_reach(points, target: float) -> int | None:
    """Statements decided when macro F1 first reaches `target` (None: never in the run)."""
    return next((n for n, _, f1, _ in points if f1 >= target), None)


def simulate(workdir: Path, pool, test, *, up_to: int, plot: Path | None) -> tuple[list[Result], dict]:
    """Document order against most-uncertain-first (the defaults: entropy, mean per article)."""
    curves = {order: curve(workdir, pool, test, order, up_to=up_to) for order in ("document", "uncertain")}
    print(_curve_table(curves), flush=True)
    if plot is not None:
        _plot(curves, plot)
    out = []
    for target in TARGETS:
        doc, unc = (labels_to_reach(curves[o], target) for o in ("document", "uncertain"))
        # not reached in document order: its last point is a lower bound (the ratio is then an upper bound)
        base = doc if doc is not None else curves["document"][-1][0]
        out.append(
            Result(
                SUITE,
                f"statements to macro F1 {target}, most uncertain first",
                unc if unc is not None else float("nan"),
                "stmts",
                baseline=base,
                target=1.0,
                note=f"document order: {doc if doc is not None else f'not reached by {base}'} statements; "
                f"most uncertain first: {unc if unc is not None else 'not reached'}",
            )
        )
    return out, curves


def compare_measures(workdir: Path, pool, test, curves: dict, up_to: int = 650) -> list[Result]:
    """The other measures and article scores against the defaults' curve: statements to each target F1."""
    from annotator.learn.uncertainty import DEFAULT_AGGREGATE, DEFAULT_MEASURE

    doc = [labels_to_reach(curves["document"], t) for t in TARGETS]
    out = []
    for measure in ("entropy", "margin"):
        for aggregate in ("mean", "max"):
            if (measure, aggregate) == (DEFAULT_MEASURE, DEFAULT_AGGREGATE):
                points = curves["uncertain"]
            else:
                points = curve(workdir, pool, test, "uncertain", up_to=up_to, measure=measure, aggregate=aggregate)
            reach = [labels_to_reach(points, t) for t in TARGETS]
            out.append(
                Result(
                    SUITE,
                    f"{measure}, {aggregate} per article: statements to F1 0.85",
                    reach[1] if reach[1] is not None else float("nan"),
                    "stmts",
                    baseline=doc[1],
                    note="to F1 " + " / ".join(map(str, TARGETS)) + f": {' / '.join(map(str, reach))} "
                    f"(document order {' / '.join(map(str, doc))})",
                )
            )
    return out


def _curve_table(curves) -> str:
    lines = [
        "learning curves (macro F1 on the test set against statements decided):",
        f"  {'document order':<40} {'most uncertain first':<40}",
        "  " + f"{'decided':>8} {'labels':>7} {'F1':>6} {'train s':>8}" * 2,
    ]
    rows = max(len(points) for points in curves.values())
    for i in range(rows):
        cells = []
        for order in ("document", "uncertain"):
            points = curves[order]
            if i < len(points):
                n, labels, f1, seconds = points[i]
                cells.append(f"{n:>8} {labels:>7} {f1:>6.3f} {seconds:>8.1f}")
            else:
                cells.append(" " * 32)
        lines.append("  " + "        ".join(cells))
    return "\n".join(lines)


def _plot(curves, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    styles = {"document": ("document order", "#64748b", "o"), "uncertain": ("most uncertain first", "#b45309", "s")}
    for order, points in curves.items():
        label, color, marker = styles[order]
        ax.plot([p[0] for p in points], [p[2] for p in points], marker=marker, color=color, label=label, ms=4)
    ax.set_xlabel("statements decided (finished articles)")
    ax.set_ylabel("macro F1 on 936 statements of other articles")
    ax.set_title("An oracle annotator: which articles to finish first")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
