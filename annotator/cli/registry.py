"""The command line's pieces that come from the format registry (`annotator.formats`).

`--format` choices, each format's own export options, the `Formats` section of `--help`:
all read from the registry when click asks for them, so a format added there is offered
at once without touching the commands.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from annotator import formats


class FormatChoice(click.Choice):
    """`--format`'s choices, read from the format registry whenever they are asked for."""

    def __init__(self, names: Callable[[], tuple[str, ...]]):
        self._names = names
        super().__init__((), case_sensitive=True)

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return self._names()

    @choices.setter
    def choices(self, _value: object) -> None:
        pass


class LiveHelpOption(click.Option):
    """An option whose help text is built when `--help` shows it (from the format registry)."""

    def __init__(self, *args, live_help: Callable[[], str], **kwargs):
        self._live_help = live_help
        super().__init__(*args, **kwargs)

    def get_help_record(self, ctx: click.Context):
        self.help = self._live_help()
        return super().get_help_record(ctx)


class RegistryCommand(click.Command):
    """A command whose help, per-format options and list of formats come from the format registry
    when asked, so that a format added to the registry shows up without touching this file."""

    def __init__(
        self,
        *args,
        live_help: Callable[[], str],
        live_params: Callable[[], list[click.Parameter]] = list,
        formats_list: Callable[[], list[tuple[str, str]]] = list,
        **kwargs,
    ):
        self._live_help, self._live_params, self._formats_list = live_help, live_params, formats_list
        kwargs["help"] = live_help()  # not the function's docstring
        super().__init__(*args, **kwargs)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        own = [p for p in params if p in self.params]
        return [*own, *self._live_params(), *(p for p in params if p not in own)]

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.help = self._live_help()
        super().format_help_text(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        rows = self._formats_list()
        if rows:
            with formatter.section("Formats"):
                formatter.write_dl(rows)


@functools.cache
def _option_params(options: tuple) -> list[click.Parameter]:
    """One click option per export option of the registry's formats (made once per set of options)."""
    return [
        click.Option(
            [option.flag],
            type=click.Choice(option.choices),
            help=f"{option.help} ({', '.join(formats.option_formats(option))} only).",
        )
        for option in options
    ]


def export_option_params() -> list[click.Parameter]:
    return _option_params(tuple(formats.options()))


def import_formats() -> list[tuple[str, str]]:
    return [(f"{f.name} ({' '.join(f.suffixes)})", _plain(f.imports)) for f in formats.all_formats() if f.can_import]


def _plain(markdown: str) -> str:
    """A format's sentence as a terminal shows it (the docs' code marks dropped)."""
    return markdown.replace("`", "")


def export_formats() -> list[tuple[str, str]]:
    return [
        (f"{f.name} ({f.export_place}{', training' if f.training else ''})", _plain(f.exports))
        for f in formats.all_formats()
        if f.can_export
    ]
