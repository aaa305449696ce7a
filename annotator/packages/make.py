"""Making work packages: one project file per annotator, `DIR/<name>.annotator.sqlite`.

The folder is ours or empty: a folder holding files we did not write (no `MARKER_FILE`) is
refused, and a package never replaces any file. Each package is built under a temporary name,
filled with SQLite (`store.packages.fill_package`), then linked into place whole; the project
remembers it (round, annotator, articles) in its own committed transaction.

A later round (`round` above the last) deals articles no earlier package held, each annotator
only articles she has not seen; with a `reviewer`, the previous round's overlap articles where
its annotators disagree go to her, with their layers (a reviewer's package is not blind).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator import settings
from annotator.packages.assign import Assignment, AssignmentError, assign
from annotator.records import person_name_problem
from annotator.store import Store, StoreError, now
from annotator.store.packages import PackageRow, package_path_problem
from annotator.text import path_shown

#: Our mark on a folder of packages: which project's packages it holds, and which files we wrote.
MARKER_FILE = ".annotator-packages.json"
#: The longest annotator name a package is made for (it becomes a file name).
NAME_MAX = 80


@dataclass(frozen=True)
class MadePackage:
    annotator: str
    path: Path
    articles: int
    role: str = "annotate"


@dataclass
class PackagesReport:
    """What `make_packages` wrote, for the user."""

    round: int
    overlap: int
    seed: int
    selected: int
    packages: list[MadePackage] = field(default_factory=list)
    #: Articles fewer than `overlap` annotators could take (each had seen it), left out.
    unplaced: int = 0
    #: Articles of the previous round with conflicts, sent to the reviewer.
    reviewed: int = 0
    #: Packages not written because they would be empty, said after the table.
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"round {self.round}: {self.selected} articles, each to {self.overlap} annotator"
            f"{'s' * (self.overlap != 1)} (seed {self.seed})"
            if self.selected
            else f"round {self.round}: conflicts to review only"
        ]
        for made in self.packages:
            what = ("article" if made.articles == 1 else "articles") + (" to review" if made.role == "review" else "")
            out.append(f"  {made.annotator:<16} {made.articles:>7} {what}  {path_shown(made.path)}")
        if self.unplaced:
            out.append(
                f"left out: {self.unplaced} articles that fewer than {self.overlap} annotators have not seen yet"
            )
        return out + self.notes


def checked_names(names: Sequence[str]) -> list[str]:
    """The annotators' names, or `AssignmentError` saying which cannot name a package and why."""
    out = []
    for raw in names:
        name = raw.strip()
        if why := package_name_problem(name):
            raise AssignmentError(why)
        _refuse_case_twins(name, out)
        out.append(name)
    return out


def package_name_problem(name: str) -> str | None:
    """Why no person may have `name` and get a package (the rule every person's name keeps, and a
    file name it must make: no / or \\, no leading dot), or None. The command asks it before the
    project opens, so a bad name on the command line exits 2 as every bad name does."""
    return (
        person_name_problem(name)
        or (f"annotator name {name[:40]!r} is longer than {NAME_MAX} characters" if len(name) > NAME_MAX else None)
        or (f"annotator name {name!r} holds a / or \\ (it names a file)" if set(name) & {"/", "\\"} else None)
        or (f"annotator name {name!r} starts with a dot" if name.startswith(".") else None)
    )


def _refuse_case_twins(name: str, earlier: list[str]) -> None:
    """`AssignmentError` when `name` differs from an earlier name only by case: on a disk that
    ignores case (macOS, Windows) their two packages would be one file, the second over the first."""
    twin = next((n for n in earlier if n != name and n.casefold() == name.casefold()), None)
    if twin is not None:
        raise AssignmentError(
            f"annotator names {twin!r} and {name!r} differ only by case: on a disk that ignores case "
            "their packages would be one file; name each annotator one way"
        )


def plan(
    store: Store,
    annotators: Sequence[str],
    overlap: int,
    *,
    seed: int = 0,
    size: int | None = None,
    by: str | None = None,
    round_: int | None = None,
) -> tuple[int, Assignment]:
    """The round and the split it would make (nothing written): the window's preview and `make_packages`' plan."""
    names = checked_names(annotators)
    sent = store.packages.sent()
    last = max((p.round for p in sent), default=0)
    round_ = last + 1 if round_ is None else round_
    if round_ < 1:
        raise AssignmentError(f"round must be 1 or more, got {round_}")
    again = sorted(p.annotator for p in sent if p.round == round_ and p.annotator in names)
    if again:
        raise AssignmentError(
            f"round {round_} was already made for {', '.join(again)}; --round {last + 1} makes the next one"
        )
    earlier = store.packages.assigned(before_round=round_)
    packaged = set().union(*earlier.values()) if earlier else set()
    pool = [a for a in store.packages.article_ids() if a not in packaged]
    strata = store.packages.meta_values(by) if by else None
    split = assign(pool, names, overlap, seed, size=size, strata=strata, seen=earlier)
    _refuse_empty_packages(split)
    return round_, split


def _refuse_empty_packages(split: Assignment) -> None:
    """`AssignmentError` when the deal gives some annotators articles and others none: an empty
    package is a file to send, open and return for nothing (5,000 names on 305 articles wrote
    4,700 of them). A deal of no article at all is `make_packages`' to name."""
    empty = [name for name, articles in split.packages.items() if not articles]
    if not empty or len(empty) == len(split.packages):
        return
    dealt = len(split.annotators_of())
    most = dealt * split.overlap
    raise AssignmentError(
        f"{len(empty):,} of {len(split.packages):,} annotators would get no article ({', '.join(empty[:3])}"
        f"{', …' if len(empty) > 3 else ''}): {dealt:,} articles, each to {split.overlap}, give at most "
        f"{most:,} annotators an article; name fewer annotators or raise --overlap; nothing written"
    )


def make_packages(
    store: Store,
    annotators: Sequence[str],
    overlap: int,
    out: Path,
    *,
    seed: int = 0,
    size: int | None = None,
    by: str | None = None,
    round_: int | None = None,
    reviewer: str | None = None,
    conflicted: Callable[[Store, list[str], set[int]], list[int]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> PackagesReport:
    """Write one package per annotator into `out` (and a reviewer's, in a later round); see the module.

    `conflicted(store, annotators, articles)` names the previous round's articles with conflicts
    (the review room's; handed in so this room does not decide what a conflict is).
    """
    round_, split = plan(store, annotators, overlap, seed=seed, size=size, by=by, round_=round_)
    review_ids: list[int] = []
    if reviewer is not None:
        (reviewer,) = checked_names([reviewer])
        _refuse_case_twins(reviewer, list(split.packages))
        if round_ == 1:
            raise AssignmentError("a reviewer's package holds the conflicts of an earlier round: use it with --round 2")
        previous = [p for p in store.packages.sent() if p.round == round_ - 1 and p.role == "annotate"]
        earlier = store.packages.assigned(before_round=round_)
        holders: dict[int, int] = {}
        for p in previous:
            for article in earlier.get(p.annotator, ()):
                holders[article] = holders.get(article, 0) + 1
        overlap_articles = {a for a, n in holders.items() if n >= 2}
        review_ids = conflicted(store, [p.annotator for p in previous], overlap_articles) if conflicted else []
    # empty packages (and a round used up) would only hide that there was nothing to send
    dealt = any(split.packages.values())
    if not dealt and not review_ids:
        conflicts = f" and no conflicts of round {round_ - 1} to review" if reviewer is not None else ""
        raise AssignmentError(
            f"no articles left to deal{conflicts}; nothing written (every article was sent out already)"
        )
    report = PackagesReport(round_, overlap, seed, len(split.annotators_of()), unplaced=len(split.unplaced))
    if reviewer is not None and not review_ids:
        report.notes.append(f"no conflicts of round {round_ - 1} to review: no package for {reviewer}")
        reviewer = None
    if not dealt:
        report.notes.append(
            f"no articles left to deal (every article was sent out already): no package for "
            f"{', '.join(split.packages)}; only {reviewer}'s package to review was written"
        )
    jobs = [(name, articles, "annotate", ()) for name, articles in split.packages.items() if dealt]
    targets = {name: out / f"{name}{settings.PROJECT_SUFFIX}" for name, _, _, _ in jobs}
    if reviewer is not None:
        targets[f"{reviewer} (review)"] = out / f"{reviewer}.review{settings.PROJECT_SUFFIX}"
    project_id = store.packages.project_id()
    _check_folder(out, project_id, list(targets.values()))
    if reviewer is not None:
        previous_names = [p.annotator for p in store.packages.sent() if p.round == round_ - 1]
        jobs.append((reviewer, review_ids, "review", previous_names))
        report.reviewed = len(review_ids)
    # one empty project made (migrated) once, copied for each package: a migration costs a second
    template = out / f".template.{os.getpid()}.building"
    try:
        Store.create(template).close()
        for name, articles, role, layers in jobs:
            target = targets[f"{name} (review)" if role == "review" else name]
            if progress:
                progress(name)
            marker = {
                "format": 1,
                "project_id": project_id,
                "project": store.path.name,
                "round": round_,
                "annotator": name,
                "role": role,
                "made_at": now(),
                "articles": len(articles),
            }
            _write_package(store, template, target, sorted(articles), marker, layers)
            _remember_file(out, project_id, target)
            store.packages.record_package(
                PackageRow(round_, name, role, target.name, overlap, seed, marker["made_at"], len(articles)),
                articles if role == "annotate" else (),
            )
            report.packages.append(MadePackage(name, target, len(articles), role))
    finally:
        template.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            template.with_name(template.name + suffix).unlink(missing_ok=True)
    return report


def _write_package(
    store: Store, template: Path, target: Path, articles: list[int], marker: dict, layers: Sequence[str]
) -> None:
    building = target.with_name(f".{target.name}.{os.getpid()}.building")
    try:
        shutil.copyfile(template, building)
        with Store.open(building) as package:
            store.packages.fill_package(package, articles, marker, layers_of=layers)
        try:
            os.link(building, target)
        except FileExistsError:
            raise StoreError(f"{path_shown(target)}: a file appeared there meanwhile; it was left as it is") from None
        except OSError:
            if target.exists():
                raise
            os.replace(building, target)  # a file system without hard links
    finally:
        building.unlink(missing_ok=True)


def _check_folder(out: Path, project_id: str, targets: list[Path]) -> None:
    """Refuse a folder that holds files we did not write, or a target already there."""
    if out.exists() and not out.is_dir():
        raise StoreError(f"{path_shown(out)}: not a folder")
    if out.is_dir() and any(out.iterdir()):
        mark = _read_marker(out)
        if mark is None:
            raise StoreError(
                f"{path_shown(out)}: the folder holds files Annotator did not write; "
                "choose an empty or new folder for packages"
            )
        if mark.get("project_id") != project_id:
            raise StoreError(f"{path_shown(out)}: the folder holds packages of another project; choose another folder")
    for target in targets:
        why = package_path_problem(target)
        if why:
            raise StoreError(f"{why}; nothing was written (choose another folder, or another --round)")
    out.mkdir(parents=True, exist_ok=True)


def _read_marker(out: Path) -> dict | None:
    try:
        with (out / MARKER_FILE).open("rb") as handle:
            value = json.loads(handle.read(1_000_000))
    except (OSError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _remember_file(out: Path, project_id: str, target: Path) -> None:
    mark = _read_marker(out) or {"project_id": project_id, "files": []}
    if target.name not in mark.setdefault("files", []):
        mark["files"].append(target.name)
    temporary = out / f".{MARKER_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(mark, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, out / MARKER_FILE)
