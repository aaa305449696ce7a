"""The data card a training export writes beside its file, as dataset cards do.

`<file>.card.md` says what the file holds and how it came about: the guidelines version(s) the
exported decisions were made under, whose decisions they are, the team's agreement (overall and
per guidelines version), the export rule and the export's account. A card is rewritten by the
next export to the same file; a file of that name that is not a card Annotator wrote is never
replaced (the export says so and writes no card).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from annotator.formats.account import ExportSummary
from annotator.formats.atomic import atomic_output
from annotator.guidelines.by_version import agreement_by_version
from annotator.records import GOLD, HUMAN_LAYER
from annotator.review import collect, compute_agreement
from annotator.store.part import now
from annotator.text import path_shown

MARKER = "<!-- Annotator data card"


def card_path(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".card.md")


def _fmt(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.3f}"


def data_card(
    store, out: str | Path, layer: str | None, labels: Iterable[str] | None, summary: ExportSummary, articles: set[int]
) -> str:
    """The card's Markdown for an export of `layer` that wrote `articles`."""
    chosen = sorted(labels) if labels is not None else None
    trainees = store.guidelines.trainees()
    team = [name for name in store.layers.annotators(HUMAN_LAYER) if name not in trainees]
    whose = [layer] if layer not in (None, GOLD) else [GOLD, *team] if layer == GOLD else team
    under: Counter[int | None] = Counter(
        version
        for article_id, name, version in store.guidelines.decision_versions()
        if article_id in articles and name in whose
    )
    current = store.guidelines.current()
    lines = [
        f"{MARKER}: rewritten by each export to {Path(out).name} -->",
        f"# Data card: {Path(out).name}",
        "",
        "| | |",
        "|---|---|",
        f"| format | {summary.format} |",
        f"| written | {now()} |",
        f"| records | {summary.records} from {summary.articles} articles |",
        f"| layer | {layer or 'every layer'} |",
        f"| project | {store.path.name} |",
        "",
        "## Export rule",
        "",
        summary.rule or "(none)",
        "",
        "## Guidelines",
        "",
    ]
    if current is None:
        lines.append("The project has no guidelines.")
    else:
        lines.append(
            f"Current: version {current.version} by {current.author}, {current.created_at} "
            f"(SHA-256 {current.sha256[:12]}…; `annotator guidelines --version {current.version}`)."
        )
    made = ", ".join(
        f"{'before any guidelines' if v is None else f'version {v}'}: {n}"
        for v, n in sorted(under.items(), key=lambda item: -1 if item[0] is None else item[0])
    )
    lines += ["", f"Exported decisions (article × layer) by the version they were made under: {made or 'none'}."]
    assumed = sum(1 for article_id, name in store.guidelines.assumed() if article_id in articles and name in whose)
    if assumed:
        lines += [
            "",
            f"{assumed} of them were merged from a teammate's project file that carried no guidelines (or a text "
            "this project does not hold): they are stamped with the version current at the merge, an assumption.",
        ]
    lines += ["", "## Annotators", ""]
    if layer == GOLD:
        lines.append(
            f"The gold layer: review decisions over what the team agreed on. Team: {', '.join(team) or 'none'}."
        )
    else:
        lines.append(f"Decisions of {', '.join(whose) or 'nobody'}.")
    if trainees:
        lines.append(f"Trainees, kept out of gold and agreement: {', '.join(sorted(trainees))}.")
    figures = compute_agreement(collect(store, labels=chosen), labels=chosen)
    lines += [
        "",
        "## Agreement (the team, every article)",
        "",
        f"Krippendorff's alpha (nominal) {_fmt(figures.alpha)} over {figures.units} units, "
        f"annotators: {', '.join(figures.annotators) or 'none'}.",
    ]
    if figures.per_label_alpha:
        lines += ["", "| label | alpha |", "|---|---|"]
        lines += [f"| {label} | {_fmt(a)} |" for label, a in figures.per_label_alpha.items()]
    by_version = agreement_by_version(store, chosen)
    if len(by_version) > 1 or (by_version and by_version[0].version is not None):
        lines += ["", "| guidelines | alpha | units |", "|---|---|---|"]
        lines += [
            f"| {'none' if row.version is None else f'v{row.version}'} | {_fmt(row.agreement.alpha)} | "
            f"{row.agreement.units} |"
            for row in by_version
        ]
    lines += ["", "## Account", "", "```", *summary.lines(), "```", ""]
    return "\n".join(lines)


def write_card(
    store, out: str | Path, layer: str | None, labels: Iterable[str] | None, summary: ExportSummary, articles: set[int]
) -> Path | None:
    """Write the card beside `out`; None (and a warning in the account) when a file there is not ours."""
    path = card_path(out)
    if path.exists():
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            first = handle.read(len(MARKER))
        if first != MARKER:
            summary.warnings.append(
                f"{path_shown(path)}: not a data card Annotator wrote; left as it was, no card written"
            )
            return None
    text = data_card(store, out, layer, labels, summary, articles)
    with atomic_output(path) as handle:
        handle.write(text)
    return path
