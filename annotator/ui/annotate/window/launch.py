"""`annotator` / `annotator gui`: the annotation window, started the way every window starts."""

from __future__ import annotations

import tempfile
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

    if screenshot is None:
        controller = Controller(app)
        window = controller.open(db_path, article=article)
        return 1 if window is None else app.exec()
    with tempfile.TemporaryDirectory(prefix="annotator-render-") as folder:  # the user's settings untouched
        controller = Controller(app, quiet=True, settings_folder=Path(folder))
        window = controller.open(db_path, article=article, preannotate=False)
        code = 1 if window is None else controller.screenshot(window, screenshot)
        controller.settings.sync()  # written into the folder while it is there
        return code
