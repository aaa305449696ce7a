"""The `annotator` command group and what its commands share: opening the project, progress, refusals."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from annotator import __version__, settings
from annotator.store.errors import StoreError
from annotator.text import json_shown, path_shown, shown

if TYPE_CHECKING:
    from annotator.store import Store


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line (or lines) of text: the one way a command prints. Titles, sources, names, labels
    and quotes from a project or a file may hold what a terminal obeys (an escape sequence that
    retitles the window, a bidi override that reverses a line): `shown` writes those as escapes."""
    click.echo(shown(message), err=err, nl=nl)


def echo_json(value: object, *, err: bool = False, indent: int | None = 2) -> None:
    """Print `value` as JSON (one line when `indent` is None): strings as stored, with what a
    terminal would obey written as JSON's own escapes (`json_shown`)."""
    import json

    echo_json_text(json.dumps(value, ensure_ascii=False, indent=indent), err=err)


def echo_json_text(text: str, *, err: bool = False, nl: bool = True, invisible: bool = False) -> None:
    """Print JSON text made elsewhere (JSON lines), as `echo_json` does; with `invisible`, characters
    that show nothing escaped too (`json_shown`), for JSON a user edits and loads back."""
    click.echo(json_shown(text, invisible=invisible), err=err, nl=nl)


def progress_bar(label: str, total: int | Callable[[], int] | None = None, unit: str = "it"):
    """A progress bar on standard error, shown only on a terminal. Elsewhere (a script, a pipe, a
    log) nothing is loaded or counted: `total`, when it is a function (a count of the rows to come),
    is called only for a bar that shows."""
    if not (sys.stderr is not None and sys.stderr.isatty()):
        return _NoBar()
    from tqdm import tqdm

    count = total() if callable(total) else total
    return tqdm(desc=label, total=count, unit=f" {unit}", file=sys.stderr, disable=None, leave=False)


class _NoBar:
    """`progress_bar` where none is shown: counts what it is told (`n`, `total`, as tqdm's), shows nothing."""

    def __init__(self) -> None:
        self.n = 0
        self.total: int | None = None

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        self.n += n


def open_project(ctx: click.Context, *, write: bool = False) -> Store:
    """The project, opened read-only unless the command `write`s: commands that only read never
    write to it (even on open or close), work on read-only media and say so. Refuses a missing
    file or another program's."""
    from annotator.store import Store, read_only_reason

    path = Path(ctx.obj["db"])
    if ctx.obj.get("chosen_db") is None and not path.exists():  # the default: say which and why
        raise click.ClickException(
            f"{path_shown(path)}: no such project (the default project: {settings.default_db_why()}). "
            "`make run` makes the sample project and makes it the default; `annotator import FILES` "
            "makes this one"
        )
    if write:
        refuse_backup(path)
        return Store.open(path)
    store = Store.open(path, readonly=True)
    reason = read_only_reason(path) or backup_reason_of(path)
    if reason:
        echo(f"note: {path_shown(path)} is read-only ({reason}); reading only", err=True)
    return store


def backup_reason_of(path: Path) -> str | None:
    from annotator.store.files import backup_reason  # light: `stats` loads no backup machinery

    return backup_reason(path)


class NameRefused(click.ClickException):
    """A name given on the command line that no one may have: exit 2, as for a usage error, and
    one line, `Error: Invalid value for --trainee: <why>`, without the usage text around it."""

    exit_code = 2


def person_name(name: str, option: str) -> str:
    """`name`, or `NameRefused` when no person may have it (`records.person_name_problem`, the one
    rule every door that takes a person's name asks: --annotator, --trainee, --author…)."""
    from annotator.records import person_name_problem

    if (why := person_name_problem(name)) is not None:
        raise NameRefused(f"Invalid value for {option}: {why}")
    return name


class Name(click.ParamType):
    """A name given on the command line (a label, a layer, a category group, an actor), checked
    before the project is opened, so a 10,000-character name is refused in one short line
    (`NameRefused`, exit 2) and never echoed whole by a later "no such label".

    A name the option writes is checked by the whole rule every name is (`records.name_problem`:
    no control or invisible character, no word mixing scripts…). A name it only `lookup`s is
    checked for its length alone: a name stored before today's rule stays reachable by name,
    and an unknown one is said by the lookup. `listed`: comma-separated names (A,B), each
    checked, the text passed on as given."""

    name = "name"

    def __init__(self, what: str, *, listed: bool = False, lookup: bool = False) -> None:
        self.what = what
        self.listed = listed
        self.lookup = lookup

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> object:
        from annotator.records import NAME_MAX, name_problem

        if not isinstance(value, str):
            return value
        option = param.opts[0] if param is not None and param.opts else self.what
        for one in value.split(",") if self.listed else (value,):
            if self.lookup and len(one.strip()) <= NAME_MAX:
                continue
            if (why := name_problem(one.strip(), self.what)) is not None:
                raise NameRefused(f"Invalid value for {option}: {why}")
        return value


def refuse_backup(path: Path) -> None:
    """A file in the backups folder is never written (import, rules, search --apply, preannotate)."""
    reason = backup_reason_of(path)
    if reason:
        raise click.ClickException(f"{path_shown(path)}: nothing was changed: {reason}")


def _self_test(ctx: click.Context) -> None:
    from annotator.selftest import self_test

    ctx.exit(self_test())


#: Each command and the module of `annotator.cli` that defines it: a command's module is imported
#: only when that command runs (or `--help` lists them all), so `annotator --version` or
#: `annotator stats` never loads the format registry, numpy, spaCy or Qt (click's lazy group).
COMMAND_MODULES: dict[str, str] = {
    "actors": "actors",
    "agreement": "review",
    "annotators": "guidelines",
    "backup": "project",
    "calibrate": "calibrate",
    "check": "project",
    "export": "export",
    "gui": "windows",
    "guidelines": "guidelines",
    "packages": "packages",
    "progress": "packages",
    "import": "importing",
    "preannotate": "importing",
    "restore": "project",
    "review": "windows",
    "rules": "learn",
    "search": "search",
    "stats": "project",
    "suggest": "suggest",
    "train": "learn",
}


class _Annotator(click.Group):
    """The command group; `annotator import x --db p` does what `annotator --db p import x` does.
    Commands are loaded on first use (`COMMAND_MODULES`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"annotator.cli.{COMMAND_MODULES[cmd_name]}")
        return self.commands.get(cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:  # finding the command imports its module: a Ctrl-C may come while it loads
            return super().parse_args(ctx, _db_to_front(args, lambda name: self.get_command(ctx, name)))
        except KeyboardInterrupt:
            raise _interrupted() from None

    def invoke(self, ctx: click.Context):
        """A `StoreError` (damaged, not a project, read-only, in use…) is a message and exit 1, never a
        traceback; every error message is shown as `echo` shows text."""
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(shown(str(exc))) from exc
        except KeyboardInterrupt:
            raise _interrupted() from None
        except click.ClickException as exc:  # click prints it: a message may quote a title or a name
            exc.message = shown(exc.message)
            if isinstance(exc, click.FileError):
                exc.ui_filename = shown(exc.ui_filename)
            raise


def _interrupted() -> click.exceptions.Exit:
    """Ctrl-C: the command ends as an interrupt ends, 130, not with click's "Aborted!" and 1; a command
    that saves in steps (import, pre-annotation) says what it saved itself."""
    echo("interrupted", err=True)
    return click.exceptions.Exit(130)


def _db_to_front(args: list[str], command: Callable[[str], click.Command | None]) -> list[str]:
    """Move a `--db FILE` written after a command that has no --db of its own in front of it."""
    i = _command_at(args, command)
    found = command(args[i]) if i is not None else None
    if found is None or any("--db" in param.opts for param in found.params):
        return args
    moved: list[str] = []
    rest: list[str] = []
    tail = iter(args[i + 1 :])
    for arg in tail:
        if arg == "--":
            rest += [arg, *tail]
        elif arg == "--db":
            moved += [arg, next(tail, "")]
        elif arg.startswith("--db="):
            moved.append(arg)
        else:
            rest.append(arg)
    return [*moved, *args[: i + 1], *rest]


def _command_at(args: list[str], command: Callable[[str], click.Command | None]) -> int | None:
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif arg == "--":
            return None
        elif arg in COMMAND_MODULES and command(arg) is not None:
            return i
    return None


@click.group(cls=_Annotator, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file (default: the user's default project; env ANNOTATOR_DB). May also follow the command.",
)
@click.version_option(__version__, prog_name="annotator")
@click.option(
    "--self-test",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, _param, value: _self_test(ctx) if value and not ctx.resilient_parsing else None,
    help="Check the installed app end to end (pipeline, project, export, window) in a temporary folder, and exit.",
)
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Annotator: turn news articles into labeled training data, offline.

    With no command, opens the annotation window.
    """
    ctx.ensure_object(dict)
    chosen = db or settings.project_from_env()
    ctx.obj["db"] = chosen or settings.default_db()
    #: None when neither --db nor ANNOTATOR_DB names a project: the window then opens the last one.
    ctx.obj["chosen_db"] = chosen
    if ctx.invoked_subcommand is None:
        ctx.invoke(main.get_command(ctx, "gui"))


PROCESSES = click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Pre-annotate with at most N processes (default: every core).",
)


def quiet_stdout() -> None:
    """Standard output failed (its reader has gone, its disk is full): point it at /dev/null so that
    Python's last flush at exit does not print a traceback (the advice of Python's signal docs)."""
    import os

    if sys.stdout is None or sys.stdout.closed:
        return  # it was never open: nothing will be flushed
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # no file beneath it (a test's stream): no exit flush to fear
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)


def window_function(module: str, name: str, what: str) -> Callable[..., int]:
    """A window's entry point, imported only now (Qt is not loaded by the other commands)."""
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        raise click.ClickException(f"the {what} is not available in this build ({exc})") from exc


#: The smallest and largest screens a screenshot's --size may give (pixels).
SMALLEST_SCREEN = (800, 600)
LARGEST_SCREEN = (7680, 4320)


class ScreenSize(click.ParamType):
    """`--size WxH` of a screenshot: the screen the window is laid out for, (width, height) in pixels."""

    name = "WxH"

    def convert(self, value, param, ctx) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        match = re.fullmatch(r"\s*(\d{1,5})\s*[x×X]\s*(\d{1,5})\s*", str(value))
        if match is None:
            self.fail(f"{value!r} is not a size: give WIDTHxHEIGHT in pixels, e.g. 1366x768", param, ctx)
        width, height = int(match[1]), int(match[2])
        (low_w, low_h), (high_w, high_h) = SMALLEST_SCREEN, LARGEST_SCREEN
        if width < low_w or height < low_h:
            self.fail(f"{width}x{height} is smaller than the smallest screen, {low_w}x{low_h}", param, ctx)
        if width > high_w or height > high_h:
            self.fail(f"{width}x{height} is larger than the largest screen, {high_w}x{high_h}", param, ctx)
        return width, height


def screen_size_option(*names: str) -> Callable:
    """The `--size WxH` option of a command that renders a window to a PNG (`names`: its flags)."""
    return click.option(
        *(names or ("--size",)),
        "screen_size",
        type=ScreenSize(),
        metavar="WxH",
        help="With the screenshot: lay the window out as on a WxH screen (e.g. 1366x768, a laptop's), "
        "filling it; the PNG is WxH.",
    )


def size_needs_screenshot(screen_size: tuple[int, int] | None, screenshot: object, flag: str = "--size") -> None:
    """A usage error for a screen size given without a screenshot to render it to."""
    if screen_size is not None and screenshot is None:
        raise click.UsageError(f"{flag} sizes a screenshot: give --screenshot FILE.png with it")
