"""Progress and time per annotator: articles done per package, statements labeled, active time
from the moments decisions were saved, decisions per hour, suggestion acceptance, who is behind.

Active time is the sum of the pauses between one annotator's consecutive saved decisions, each
pause counted whole when it is at most `idle_seconds` (`settings.PROGRESS_IDLE_SECONDS`) and not
at all when longer: a lunch break is not work. Time stamps are read where the work was done: a
package comes back through an import, which stamps what it stores at import time, so the time
of a package's work is read from the package itself (`annotator progress PACKAGE…`).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from annotator import settings
from annotator.store import Store

#: Said under a table that holds a trainee (`annotator progress`, the dashboard).
TRAINEE_NOTE = "their work stays out of gold, review and the team's agreement until promoted"


@dataclass
class AnnotatorProgress:
    annotator: str
    #: (round, role, articles assigned, done) per package, when packages were sent.
    packages: list[dict] = field(default_factory=list)
    assigned: int = 0
    done: int = 0
    statements: int = 0
    decisions: int | None = 0
    #: None where the time stamps are not the work's: an annotator whose work came back in
    #: packages (an import stamps what it stores with its own time); her packages have them.
    active_seconds: float | None = 0.0
    accepted: int = 0
    changed: int = 0
    behind: bool = False
    #: Still in training (`annotator annotators --trainee`): her work stays out of gold, review and agreement.
    trainee: bool = False
    source: str = ""

    @property
    def shown_name(self) -> str:
        """Her name as the tables show it: a trainee's says so, since her figures count apart."""
        return f"{self.annotator} (trainee)" if self.trainee else self.annotator

    @property
    def decisions_per_hour(self) -> float | None:
        if self.decisions is None or (self.active_seconds or 0) < settings.PROGRESS_MIN_ACTIVE_SECONDS:
            return None  # a rate from a few seconds of work says nothing
        return self.decisions / (self.active_seconds / 3600)

    @property
    def acceptance(self) -> float | None:
        shown = self.accepted + self.changed
        return self.accepted / shown if shown else None

    @property
    def done_share(self) -> float | None:
        return self.done / self.assigned if self.assigned else None

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "decisions_per_hour": self.decisions_per_hour,
            "acceptance": self.acceptance,
            "done_share": self.done_share,
        }


def active_seconds(stamps: Sequence[str], idle_seconds: float) -> float:
    """The seconds between consecutive `stamps` (ISO times, sorted), pauses above `idle_seconds` left out."""
    moments = [datetime.fromisoformat(s) for s in stamps]
    total = 0.0
    for before, after in itertools.pairwise(moments):
        gap = (after - before).total_seconds()
        if 0 <= gap <= idle_seconds:
            total += gap
    return total


def project_progress(store: Store, idle_seconds: float = settings.PROGRESS_IDLE_SECONDS) -> list[AnnotatorProgress]:
    """Every annotator of the project, with her packages (if any were sent out)."""
    rows: dict[str, AnnotatorProgress] = {}
    for name in store.progress.people():
        rows[name] = _figures(store, name, idle_seconds, str(store.path.name))
    for round_, name, role, assigned, done in store.progress.package_progress():
        row = rows.setdefault(name, AnnotatorProgress(name, source=store.path.name))
        row.packages.append({"round": round_, "role": role, "assigned": assigned, "done": done})
        row.assigned += assigned
    trainees = store.guidelines.trainees()
    for row in rows.values():
        row.trainee = row.annotator in trainees
        if row.packages:
            row.done = sum(p["done"] for p in row.packages)
            row.decisions = row.active_seconds = None  # the import's time stamps, not her work's
    mark_behind(list(rows.values()))
    return list(rows.values())


def package_progress(store: Store, idle_seconds: float = settings.PROGRESS_IDLE_SECONDS) -> AnnotatorProgress | None:
    """The progress of the annotator a package was made for, read from the package; None if not a package."""
    marker = store.packages.marker()
    if marker is None:
        return None
    row = _figures(store, str(marker.get("annotator")), idle_seconds, store.path.name)
    row.assigned = len(store.packages.article_ids())
    row.packages = [
        {"round": marker.get("round"), "role": marker.get("role"), "assigned": row.assigned, "done": row.done}
    ]
    return row


def mark_behind(rows: list[AnnotatorProgress], margin: float = settings.PROGRESS_BEHIND_MARGIN) -> None:
    """Behind: a share of her packages done more than `margin` below the team's median."""
    shares = [r.done_share for r in rows if r.done_share is not None]
    if len(shares) < 2:
        return
    median = statistics.median(shares)
    for row in rows:
        row.behind = row.done_share is not None and row.done_share < median - margin


def _figures(store: Store, name: str, idle_seconds: float, source: str) -> AnnotatorProgress:
    stamps = store.progress.decision_times(name)
    counts = store.progress.counts(name)
    return AnnotatorProgress(
        name,
        done=counts["done"],
        statements=counts["statements"],
        decisions=len(stamps),
        active_seconds=active_seconds(stamps, idle_seconds),
        accepted=counts["accepted"],
        changed=counts["changed"],
        source=source,
    )


def lines(rows: list[AnnotatorProgress]) -> list[str]:
    """The table `annotator progress` prints."""
    rows = sorted(rows, key=lambda r: r.annotator)
    names = [replace(r, annotator=r.annotator[:16]).shown_name for r in rows]
    width = max([16, *map(len, names)])
    out = [
        f"{'annotator':<{width}} {'done':>11} {'statements':>10} {'active':>8} {'decisions/h':>11} {'accepted':>8}  "
        "packages"
    ]
    for r, name in zip(rows, names, strict=True):
        done = f"{r.done}/{r.assigned}" if r.assigned else str(r.done)
        rate = "-" if r.decisions_per_hour is None else f"{r.decisions_per_hour:.0f}"
        accepted = "-" if r.acceptance is None else f"{r.acceptance:.0%}"
        packages = ", ".join(f"round {p['round']}: {p['done']}/{p['assigned']}" for p in r.packages) or "-"
        active = "in pkg" if r.active_seconds is None else hours_minutes(r.active_seconds)
        out.append(
            f"{name:<{width}} {done:>11} {r.statements:>10} {active:>8} {rate:>11} "
            f"{accepted:>8}  {packages}{'  BEHIND' if r.behind else ''}"
        )
    if any(r.active_seconds is None for r in rows):
        out.append("in pkg: time is read from the packages (annotator progress PACKAGE_FILES…)")
    behind = [r.annotator for r in rows if r.behind]
    if behind:
        out.append(f"behind: {', '.join(sorted(behind))} (share done more than the margin below the team's median)")
    trainees = [r.annotator for r in rows if r.trainee]
    if trainees:
        out.append(f"trainee: {', '.join(sorted(trainees))} ({TRAINEE_NOTE})")
    return out


def hours_minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
