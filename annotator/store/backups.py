"""Rolling backups of a project, and bringing a project back from one.

Backups live in the user's data folder, one subfolder per project, named by time. Each is
made with SQLite's online backup API under a temporary name, checked (integrity, schema,
row counts) and only then given its final name (`Store.backup`), so a backup killed
halfway never becomes "the latest backup", and a damaged project is refused rather than
copied over the good backups. A restore copies the chosen backup beside the project,
checks it, moves the current file (with its -wal) aside unchanged and puts the copy in
its place, under the project's lock and the writers' hold (`store.lock.hold_for_restore`): no
window, import or other command can be writing to it meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator import settings
from annotator.store import CorruptProjectError, NotAProjectError, Store, StoreError
from annotator.store.errors import known_error
from annotator.store.files import (
    SIDECARS,
    check_header,
    check_project,
    connect_readonly,
    copy_checked,
    fsync_dir,
    inspect_project,
    remove_partials,
    sidecar,
)
from annotator.store.lock import ProjectLock, hold_for_restore, lock_project
from annotator.text import path_shown

log = logging.getLogger("annotator.store.backups")

STAMP = "%Y%m%dT%H%M%S%fZ"
ASIDE = ".damaged-"
#: The name a sound project is kept under when a restore replaces it: it is not damaged.
BEFORE_RESTORE = ".before-restore-"


def backup_dir(project: Path) -> Path:
    resolved = project.resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:8]
    stem = resolved.name.removesuffix(settings.PROJECT_SUFFIX).removesuffix(".sqlite")
    return settings.data_dir() / "backups" / f"{stem}-{tag}"


def backups(project: Path) -> list[Path]:
    """This project's backups, oldest first (complete ones only: a copy in progress has another name)."""
    folder = backup_dir(project)
    return sorted(folder.glob(f"*{settings.PROJECT_SUFFIX}")) if folder.exists() else []


def make_backup(store: Store, when: datetime | None = None) -> Path:
    """A checked backup of `store` now. Raises `CorruptProjectError` (and keeps no copy) if the project is damaged."""
    when = when or datetime.now(UTC)
    folder = backup_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    remove_partials(folder)
    return store.backup(folder / f"{when.strftime(STAMP)}{settings.PROJECT_SUFFIX}")


def _taken_at(path: Path) -> datetime:
    return datetime.strptime(path.name.removesuffix(settings.PROJECT_SUFFIX), STAMP).replace(tzinfo=UTC)


def daily_backup(
    store: Store,
    keep_days: int = settings.BACKUP_KEEP_DAYS,
    now: datetime | None = None,
    *,
    keep_latest: int = settings.BACKUP_KEEP_LATEST,
) -> Path | None:
    """Back up once a day and drop copies older than `keep_days`, but never one of the newest
    `keep_latest` (at least 1), whatever their age: after a holiday, the one new backup (perhaps
    of a project spoiled by mistake in the last session) does not replace every older good one.

    Returns the new backup, or None when today's already exists.
    """
    now = now or datetime.now(UTC)
    existing = backups(store.path)
    made = None
    # the first labels came after today's backup (a first start's, of an empty project): back up again
    first_work = bool(existing) and store.statements.has_labels() and not _holds_labels(existing[-1])
    if not existing or first_work or now - _taken_at(existing[-1]) >= timedelta(days=1):
        made = make_backup(store, now)
        existing.append(made)
    for old in existing[: -max(keep_latest, 1)]:
        if now - _taken_at(old) > timedelta(days=keep_days):
            old.unlink(missing_ok=True)
    return made


def _holds_labels(backup: Path) -> bool:
    """Whether a backup holds any label (read-only; an unreadable one counts as holding none)."""
    try:
        with closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT EXISTS (SELECT 1 FROM statement_labels)").fetchone()[0] == 1
    except sqlite3.Error:
        return False


@dataclass
class Restored:
    """What a restore did: the backup used, where the old file went, and backups passed over (with why)."""

    used: Path
    aside: Path | None
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    #: A stale lock that was found and taken over (its owner had died), for the user.
    taken_over: str | None = None
    #: No project file was there: only its leftover -wal/-shm were moved aside (as `aside`).
    only_leftovers: bool = False


def restore(project: Path, backup: Path | None = None, *, lock: ProjectLock | None = None) -> Restored:
    """Bring `project` back from `backup`, or else from the newest of its backups that passes the check.

    Nothing is touched until a checked copy of the backup lies beside the project. Then the
    current file and its -wal are moved aside unchanged (`*.damaged-<time>`, or when it passes
    SQLite's quick_check `*.before-restore-<time>`) and the copy renamed into place. Takes the
    project's lock unless the caller holds it (`lock`): raises `ProjectInUse` while a window has
    the project open. Raises `StoreError` when `backup` is not a sound project, or when no backup
    passes the check.
    """
    project = Path(os.path.realpath(project))  # through a link: the file it names, never the link
    project.parent.mkdir(parents=True, exist_ok=True)
    held = lock or lock_project(project)
    writers = None
    try:
        writers = hold_for_restore(project)  # no import, preannotate or rules is writing to it
        remove_partials(project.parent)
        incoming = project.with_name(f".{project.name}.restoring")  # a whole, checked copy, or nothing
        incoming.unlink(missing_ok=True)
        restored = _checked_copy(project, backup, incoming)
        restored.only_leftovers = not project.exists()
        restored.aside = _move_aside(project, BEFORE_RESTORE if _sound(project) else ASIDE)
        os.replace(incoming, project)
        fsync_dir(project.parent)
        restored.taken_over = held.taken_over
        return restored
    finally:
        if writers is not None:
            writers.release()
        if lock is None:
            held.unlock()


def _checked_copy(project: Path, backup: Path | None, incoming: Path) -> Restored:
    """Copy the backup to restore to `incoming`, checked; the first sound one, newest first."""
    if backup is not None:
        backup = Path(backup)
        if _is_part_of(backup, project):
            raise StoreError(
                f"{path_shown(backup)}: this is the project itself, not a backup of it; nothing was changed"
            )
        try:
            _copy(backup, incoming)
        except StoreError as exc:
            raise StoreError(
                f"cannot restore from {path_shown(backup)}: {_reason(exc, backup)}; nothing was changed"
            ) from exc
        return Restored(backup, None)
    candidates = backups(project)
    if not candidates:
        raise StoreError(
            f"no backups of {path_shown(project)} in {path_shown(backup_dir(project))}; nothing was changed"
        )
    skipped: list[tuple[Path, str]] = []
    for candidate in reversed(candidates):
        try:
            _copy(candidate, incoming)
        except StoreError as exc:
            skipped.append((candidate, _reason(exc, candidate)))  # the caller names each skipped backup, once
            log.info("backup %s does not pass the check: %s", candidate, skipped[-1][1])
            continue
        return Restored(candidate, None, skipped)
    raise StoreError(
        f"none of the {len(candidates)} backups of {path_shown(project)} passes the check "
        f"(newest: {skipped[0][1]}); nothing was changed"
    )


def _copy(backup: Path, incoming: Path) -> None:
    """A checked copy of `backup` (as it is: an older schema is upgraded when the project is next opened)."""
    try:
        check_header(backup)
    except CorruptProjectError:
        raise NotAProjectError(
            f"{path_shown(backup)}: not an SQLite file, so no project and no backup of one"
        ) from None
    try:
        conn = connect_readonly(backup)
    except sqlite3.DatabaseError as exc:
        raise known_error(exc, backup) from exc
    try:
        inspect_project(backup, conn)
        copy_checked(conn, incoming, source_name=backup)
    finally:
        conn.close()


def _reason(exc: StoreError, path: Path) -> str:
    """The error without the leading "PATH: " (the caller names the file) nor what it says of the file's fate."""
    why = str(exc).removeprefix(f"{path_shown(path)}: ").split("; it was left")[0]
    return why.replace("the project file is damaged", "damaged")  # no project's recovery hint: it is a backup


def _is_part_of(candidate: Path, project: Path) -> bool:
    """Whether `candidate` is the project file or one of its -wal/-shm files."""
    names = {project, *(sidecar(project, s) for s in SIDECARS)}
    resolved = candidate.resolve()
    return any(resolved == name.resolve() for name in names)


def _stamp_of(aside: Path) -> str:
    """The time in an aside copy's name (both kinds sort together by it)."""
    return aside.name.rsplit("-", 1)[-1]


def _sound(project: Path) -> bool:
    """Whether the project file there passes SQLite's quick_check (read-only: nothing is written)."""
    if not project.exists():
        return False
    try:
        return not check_project(project)
    except StoreError:
        return False


def _move_aside(project: Path, prefix: str = ASIDE) -> Path | None:
    """Move the project and its -wal/-shm aside, unchanged, as one `*<prefix><time>` set.

    A -wal without its project (a restore was killed between moving the two) joins the newest
    aside copy that has none: the pair stays readable together.
    """
    if not project.exists():
        orphans = [sidecar(project, s) for s in SIDECARS if sidecar(project, s).exists()]
        if not orphans:
            return None
        asides = [
            p
            for kind in (ASIDE, BEFORE_RESTORE)
            for p in project.parent.glob(f"{project.name}{kind}*")
            if not p.name.endswith(SIDECARS)
        ]
        partner = max((p for p in asides if not sidecar(p, "-wal").exists()), default=None, key=_stamp_of)
        target = partner or project.with_name(f"{project.name}{ASIDE}{datetime.now(UTC).strftime(STAMP)}")
        for orphan in orphans:
            orphan.rename(sidecar(target, orphan.name.removeprefix(project.name)))
        return target
    aside = project.with_name(f"{project.name}{prefix}{datetime.now(UTC).strftime(STAMP)}")
    project.rename(aside)
    for suffix in SIDECARS:
        if sidecar(project, suffix).exists():
            sidecar(project, suffix).rename(sidecar(aside, suffix))
    fsync_dir(project.parent)
    return aside
