"""Every window setting, its key and its default, in one place.

The windows remember a few things per user in Qt's `QSettings` (on Linux
`~/.config/annotator/annotator.conf`): the annotator's name, the recent projects, the text
size, whether other annotators' labels are shown. Nothing else reads or writes those keys.
What belongs to a project (the reading place, the label scheme) is kept in the project file,
where a crash cannot lose it; the environment (`ANNOTATOR_NAME`, `ANNOTATOR_DB`,
`ANNOTATOR_THEME`) is read by `annotator.settings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QSettings

from annotator import settings

ORGANISATION = "annotator"
APPLICATION = "annotator"
MAX_RECENT = 8

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    kind: type


#: The name stored with every label, asked for on first start (File ▸ Annotator name changes it).
ANNOTATOR_NAME: Setting[str] = Setting("annotator/name", "", str)
#: The project the window opens when no project is named.
LAST_PROJECT: Setting[str] = Setting("project/last", "", str)
#: Most recent first, at most MAX_RECENT (File ▸ Open recent).
RECENT_PROJECTS: Setting[list] = Setting("project/recent", [], list)
#: Point size of the article text (Ctrl+plus/minus); 0 means the reading font's own size.
FONT_SIZE: Setting[float] = Setting("view/font_size", 0.0, float)
#: View ▸ Show other annotators' labels; off is blind annotation.
SHOW_OTHERS: Setting[bool] = Setting("view/show_others", False, bool)
#: Entity types the reader hid with the legend's toggles.
HIDDEN_ENTITY_TYPES: Setting[list] = Setting("view/hidden_entity_types", [], list)
#: View ▸ Suggest speakers: a statement's likely speaker from spaCy's parse, accepted with Shift+S.
SPEAKER_SUGGESTIONS: Setting[bool] = Setting("links/speaker_suggestions", True, bool)
#: View ▸ Suggest labels: the model's and the rules' likely labels of the statement, accepted with Enter.
SUGGEST_LABELS: Setting[bool] = Setting("learn/suggest_labels", True, bool)
#: Retrain the model in the background after this many new decisions in the window (0: never).
#: 25 is about two finished articles of news: often enough that the model follows the annotator
#: (the `learn` bench's curves rise steeply over the first few hundred statements), rarely enough
#: that training (4-14 s in a child process) is not always running.
RETRAIN_EVERY: Setting[int] = Setting("learn/retrain_every", 25, int)
#: Failed saves are said in the status bar only, without a message box (tests and benchmarks).
QUIET_ERRORS: Setting[bool] = Setting("ui/quiet_errors", False, bool)


def app_settings() -> QSettings:
    """The user's settings file of the app."""
    return QSettings(ORGANISATION, APPLICATION)


def render_only_settings(folder: Path) -> QSettings:
    """A copy of the user's settings in `folder`, for a window that is only rendered (`--screenshot`).

    The picture shows the user's text size and toggles, but whatever the run would remember (the
    name it fell back to, the project it opened) lands in the copy: the next real start still asks
    for the name and opens the user's own last project.
    """
    copy = QSettings(str(Path(folder) / "render-only.conf"), QSettings.Format.IniFormat)
    user = app_settings()
    for key in user.allKeys():
        copy.setValue(key, user.value(key))
    return copy


class WindowSettings:
    """Typed access to one `QSettings` (the user's, or a file a test or benchmark chose)."""

    def __init__(self, qsettings: QSettings | None = None, *, remember_for_cli: bool = True):
        self.qsettings = qsettings if qsettings is not None else app_settings()
        #: Whether the last project is also the command line's default (not for a render-only run).
        self.remember_for_cli = remember_for_cli

    def get(self, setting: Setting[T]) -> T:
        value = self.qsettings.value(setting.key)
        if value is None:
            return setting.default
        if setting.kind is list:
            return [value] if isinstance(value, str) else list(value)  # type: ignore[return-value]
        if setting.kind is bool:
            return value.lower() == "true" if isinstance(value, str) else bool(value)  # type: ignore[return-value]
        try:
            return setting.kind(value)
        except (TypeError, ValueError):
            return setting.default

    def set(self, setting: Setting[Any], value: Any) -> None:
        self.qsettings.setValue(setting.key, value)

    def remove(self, setting: Setting[Any]) -> None:
        self.qsettings.remove(setting.key)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- projects --------------------------------------------------------------------

    def recent_projects(self) -> list[str]:
        return [str(p) for p in self.get(RECENT_PROJECTS)]

    def remember_project(self, path: Path) -> None:
        """`path` becomes the last project and heads the recent list."""
        path_text = str(Path(path).resolve())
        recent = [p for p in self.recent_projects() if p != path_text]
        self.set(RECENT_PROJECTS, [path_text, *recent][:MAX_RECENT])
        self.set(LAST_PROJECT, path_text)
        if self.remember_for_cli:
            settings.remember_last_project(Path(path_text))  # the command line's default too

    def forget_project(self, path: Path) -> None:
        """Drop `path` from the recent projects (and as the last one): it is gone."""
        path_text = str(Path(path).resolve())
        self.set(RECENT_PROJECTS, [p for p in self.recent_projects() if p != path_text])
        if self.get(LAST_PROJECT) == path_text:
            self.remove(LAST_PROJECT)

    def last_project(self) -> Path | None:
        last = self.get(LAST_PROJECT)
        return Path(last) if last else None
