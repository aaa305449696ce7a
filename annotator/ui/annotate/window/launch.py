"""`annotator` / `annotator gui`: the annotation window, started the way every window starts."""

from __future__ import annotations

from pathlib import Path

from annotator.ui.shell.app import EXIT_NO_DISPLAY, ends_cleanly, start


@ends_cleanly
def run(
    db_path: Path | None,
    *,
    article: int | None = None,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """Open the window on `db_path` (None: the last project, or the sample on first start).

    With `screenshot`, render the window to that PNG and return at once, laid out as on a screen of
    `size` (width, height) when given. Returns an exit code.
    """
    app = start(screenshot=screenshot is not None, size=size)
    if app is None:
        return EXIT_NO_DISPLAY
    from annotator.ui.annotate.window.controller import Controller

    controller = Controller(app, quiet=screenshot is not None)
    window = controller.open(db_path, article=article, preannotate=screenshot is None)
    if window is None:
        return 1
    if screenshot is not None:
        return controller.screenshot(window, screenshot)
    return app.exec()
