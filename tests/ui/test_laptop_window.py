"""The window on a laptop: it fits 1366×768 with every panel on screen, the corpus search panel keeps
its keys, other programs' writes show up, and closing never waits long for background work."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from annotator.learn.uncertainty import UncertaintyIndex
from annotator.store import Store
from annotator.ui.shell.workers import Task
from tests.ui.conftest import as_shown


def open_search(window, qtbot, query: str = "Zelensky") -> None:
    window.search_dock.open()
    panel = window.search_dock.panel
    panel.query.setText(query)
    panel.run()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)


def test_the_window_fits_a_1366_by_768_screen_with_the_search_panel_open(window, qtbot):
    open_search(window, qtbot)
    assert window.minimumSizeHint().height() <= 700
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.size().height() == 768)
    screen = QRect(0, 0, 1366, 768)
    panels = {
        "article list": window.list_panel,
        "article": window.view,
        "labels": window.labels_scroll,
        "links": window.link_list,
        "search panel": window.search_dock,
        "hit list": window.search_dock.panel.table,
        "status bar": window.statusBar(),
    }
    for name, widget in panels.items():
        assert widget.isVisible(), name
        top_left = widget.mapTo(window, QPoint(0, 0))
        box = QRect(top_left, widget.size())
        assert screen.contains(box), (name, box)
        assert box.height() >= (16 if name == "status bar" else 40), (name, box)  # big enough to use


def test_the_legend_and_the_chips_fold_to_one_line(window, qtbot):
    window.legend.set_folded(True)
    assert window.legend.fold.text().startswith("▸ Entities")
    assert all(not button.isVisible() for button in window.legend.buttons.values())
    window.legend.fold.click()
    assert all(button.isVisible() for button in window.legend.buttons.values())
    window.session.open_article(window.session.article_id)  # a rebuild keeps the choice
    assert not window.legend.folded


def in_the_query(window, qtbot):
    """The search panel open on hits, the focus in its query box; returns the panel."""
    open_search(window, qtbot)
    panel = window.search_dock.panel
    panel.query.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.query)
    return panel


def test_down_in_the_query_goes_to_the_hits_and_esc_closes_the_panel(window, qtbot):
    current = window.session.current
    panel = in_the_query(window, qtbot)
    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.table
    assert panel.table.currentIndex().row() == 0
    assert window.session.current == current  # the article behind the panel did not move
    qtbot.keyClick(panel.table, Qt.Key.Key_Escape)
    assert not window.search_dock.isVisible()
    assert QApplication.focusWidget() is window.view


def test_tab_in_the_search_panel_follows_the_eye(window, qtbot):
    panel = in_the_query(window, qtbot)
    qtbot.keyClick(panel.query, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.within_list
    qtbot.keyClick(panel.within_list, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.table


def test_an_import_from_the_command_line_appears_in_the_open_window_within_2_s(window, qtbot, project, tmp_path):
    current = window.session.current
    assert window.list_panel.model.rowCount() == 2
    article = tmp_path / "new.txt"
    article.write_text("Ankara offered to host talks. Kyiv said it would consider it.\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "annotator", "import", "--db", str(project), str(article)],
        check=True,
        capture_output=True,
    )
    qtbot.waitUntil(
        lambda: window.list_panel.model.rowCount() == 3 and "of 3 articles" in window.list_panel.progress_text.text(),
        timeout=2000,
    )
    assert window.session.current == current  # the reader's place kept


def test_closing_waits_for_no_background_work(window, qtbot):
    """A task that checks for cancellation ends within the close; one stuck in a step that cannot
    stop does not hold the window: it closes at once, and the step ends on its own."""
    from annotator.ui.shell import workers

    stuck = threading.Event()
    ended: list[str] = []

    def polite(store, task):
        while not task.cancelled():
            time.sleep(0.01)
        ended.append("polite")

    def stubborn(store, task):
        stuck.wait(3)

    window.runner.start(Task(window.store.path, polite, "polite", readonly=True))
    window.runner.start(Task(window.store.path, stubborn, "stubborn", readonly=True))
    qtbot.wait(50)
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < 1.0
    assert not window.isVisible()
    assert ended == ["polite"]
    assert [task.name for task, _ in workers._RELEASED] == ["stubborn"]
    stuck.set()
    workers.wait_for_released(3000)
    assert workers._RELEASED == []


def test_closing_does_not_wait_for_a_step_that_cannot_stop(window, qtbot):
    """A task loading spaCy (`cannot_stop`) cannot hear the cancel: the window goes within 50 ms
    instead of waiting for it, and once the load is over the task begins nothing more."""
    from annotator.ui.shell import workers

    loading, loaded = threading.Event(), threading.Event()
    after: list[str] = []

    def load_then_work(store, task):
        with task.cannot_stop():
            loading.set()
            loaded.wait(3)
        if not task.cancelled():
            after.append("worked")

    window.runner.start(Task(window.store.path, load_then_work, "loading", readonly=True))
    assert loading.wait(3)
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < 0.05
    assert not window.isVisible()
    assert [task.name for task, _ in workers._RELEASED] == ["loading"]
    loaded.set()
    workers.wait_for_released(3000)
    assert workers._RELEASED == [] and after == []


def test_scoring_a_long_article_stops_within_50_ms_of_a_cancel(db_path):
    """The uncertainty index looks at `cancelled` between small chunks of an article's statements."""
    from tests.ui.conftest import make_project

    make_project(db_path, [" ".join(f"Sentence number {i} is here." for i in range(2000))])
    stop = threading.Event()
    times: list[float] = []

    def predict(texts):
        time.sleep(0.0003 * len(texts))  # the model's pace: 0.1-0.4 ms a statement
        if not stop.is_set() and len(times) == 0:
            stop.set()
            times.append(time.perf_counter())
        return [{"claim": 0.5} for _ in texts]

    with Store.open(db_path) as store:
        index = UncertaintyIndex.build(store, predict, "v1", cancelled=stop.is_set)
    assert index is None
    assert time.perf_counter() - times[0] < 0.05


def test_review_refused_while_a_window_is_open_says_where_to_review_in_it(qtbot, project, capsys):
    from annotator.ui.review.launch import run_review
    from tests.ui.test_project_guard import open_window

    _, window = open_window(qtbot, project)  # the app's way: the project locked
    assert window is not None
    assert run_review(project, "tester", screenshot=project.with_suffix(".png")) == 1
    said = capsys.readouterr().out
    assert "already open in another Annotator window" in said
    assert "To review in that window: Tools ▸ Review conflicts…" in said


def test_a_visible_done_next_control_marks_done_and_moves_on(window, qtbot):
    first = window.session.article_id
    button = window.done_button
    assert button.isVisible() and button.text() == "Done ▸ Next"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.session.article_id != first
    with Store.open(window.store.path) as store:
        assert store.articles.article_row(first, "tester").status == "done"


def at_a_laptop_s_size(window, qtbot) -> None:
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366 and window.height() == 768)


def shown_in_cell(view, index) -> str:
    """A cell's text as the view draws it: elided the view's way to the cell's width less its margins."""
    margin = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    return view.fontMetrics().elidedText(index.data(), view.textElideMode(), view.columnWidth(index.column()) - margin)


def test_at_1366_the_article_list_gives_its_titles_the_room(window, qtbot):
    at_a_laptop_s_size(window, qtbot)
    view, model = window.list_panel.view, window.list_panel.model
    title = model.index(0, 0)
    assert title.data() == "Zelensky said Kyiv will halt strikes if Moscow does"
    assert view.columnWidth(0) >= 0.45 * view.viewport().width()  # the other columns are compact
    shown = shown_in_cell(view, title)
    assert shown.endswith("…") and len(shown) >= 20, shown  # "Zelensky said Kyiv wi…", not "Zelensky s…"
    assert as_shown(model.data(title, Qt.ItemDataRole.ToolTipRole)).startswith(title.data())  # whole on hover
    header = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)]
    tips = [as_shown(model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)) for i in (2, 3)]
    assert header[2:] == ["#", "Cat."] and "Labels" in tips[0] and "Categories" in tips[1]


def test_at_1366_the_status_cell_reads_whole_with_its_words_on_hover(window, qtbot):
    at_a_laptop_s_size(window, qtbot)
    first = window.session.article_id
    window.session.toggle_entity_review()  # entities reviewed, then done: the longest status there is
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    view, model = window.list_panel.view, window.list_panel.model
    status = model.index(model.row_for(first), 1)
    assert status.data() == "● ✓"
    assert shown_in_cell(view, status) == "● ✓"  # whole, where it read "done · e…"
    assert as_shown(model.data(status, Qt.ItemDataRole.ToolTipRole)) == "done · entities reviewed by you"
    assert model.data(status, Qt.ItemDataRole.AccessibleTextRole) == "done · entities reviewed by you"
    legend = as_shown(model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole))
    assert legend == "Status: ○ new · ◐ in progress · ● done; ✓ entities reviewed by you"
    other = model.index(1 - model.row_for(first), 1)
    assert other.data() == "○" and as_shown(other.data(Qt.ItemDataRole.ToolTipRole)) == "new · entities unreviewed"
    assert view.columnWidth(1) <= 60  # the title keeps the room


# -- screenshots at a laptop's size (--size WxH) ------------------------------------------------


def png_size(path) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_gui_screenshot_at_a_laptops_size_is_that_size_with_the_text_half_the_width(project, tmp_path):
    """Found in a tryout: `gui --screenshot` always rendered 1440×900, so nobody could see the window
    as on a 1366×768 laptop. `--size 1366x768` renders it as maximised on that screen."""
    from tests.ui.test_crash_and_cli import run_cli

    out = tmp_path / "laptop.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = run_cli("--db", str(project), "gui", "--screenshot", str(out), "--size", "1366x768", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert png_size(out) == (1366, 768)


def test_a_screenshot_run_leaves_the_users_settings_as_they_were(project, tmp_path):
    """Found in a tryout: `gui --screenshot` on a fresh config wrote `name=root` and the project
    into annotator.conf, so the next real start never asked the user's name and labelled as the
    login name. A render-only run remembers nothing: no settings file appears on a fresh config, an
    existing one keeps its bytes, and the command line's last project is not changed."""
    from tests.ui.test_crash_and_cli import run_cli

    config, data = tmp_path / "config", tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_NAME"}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config), ANNOTATOR_DATA_DIR=str(data))
    out = tmp_path / "shot.png"
    result = run_cli("--db", str(project), "gui", "--screenshot", str(out), "--size", "1366x768", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert png_size(out) == (1366, 768)
    assert not [p for p in config.rglob("*") if p.is_file()], "a fresh config stays empty"
    assert not (data / "last-project.txt").exists()

    conf = config / "annotator" / "annotator.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("[view]\nfont_size=14\n", encoding="utf-8")
    result = run_cli("--db", str(project), "gui", "--screenshot", str(out), env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert conf.read_text(encoding="utf-8") == "[view]\nfont_size=14\n"
    assert sorted(p.name for p in config.rglob("*") if p.is_file()) == ["annotator.conf"]


def test_a_window_laid_out_for_a_given_screen_fills_it_and_gives_the_text_half_its_width(project, tmp_path, qtbot):
    """The code that fits the window to its screen sees the screen `--size` gave: the window fills
    1366×768, the article text takes at least half the width, and the legend starts folded (a short
    screen)."""
    from PySide6.QtCore import QSettings

    from annotator.ui.annotate.window.main_window import MainWindow
    from annotator.ui.shell.screen import give_screen

    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    qsettings.setValue("links/speaker_suggestions", False)
    qsettings.setValue("learn/suggest_labels", False)
    give_screen((1366, 768))
    try:
        with Store.open(project) as store:
            window = MainWindow(store, "tester", qsettings)
            qtbot.addWidget(window)
            window.start(preannotate=False)
            window.show()
            qtbot.waitUntil(lambda: window.view.width() > 0)
            assert (window.width(), window.height()) == (1366, 768)
            assert window.view.width() >= 1366 // 2, window.splitter.sizes()
            assert window.legend.folded
            window.close()
    finally:
        give_screen(None)


def test_a_screen_size_is_checked_at_the_door(cli, project, tmp_path):
    out = tmp_path / "shot.png"
    for size, said in [
        ("1366", "is not a size"),
        ("big", "is not a size"),
        ("640x480", "smaller than the smallest screen, 800x600"),
        ("9000x5000", "larger than the largest screen, 7680x4320"),
    ]:
        result = cli("gui", "--screenshot", out, "--size", size)
        assert result.exit_code == 2 and said in result.output, result.output
        assert not out.exists()
    result = cli("gui", "--size", "1366x768")
    assert result.exit_code == 2 and "give --screenshot FILE.png with it" in result.output
    result = cli("calibrate", "--report", "anna", "--window-size", "1366x768")
    assert result.exit_code == 2 and "--window-size sizes a screenshot" in result.output


def test_the_review_window_and_the_dashboard_render_at_the_size_given(cli, project, tmp_path):
    for args in (["review", "--screenshot"], ["agreement", "--dashboard-screenshot"]):
        out = tmp_path / f"{args[0]}.png"
        assert cli(*args, out, "--size", "1366x768").exit_code == 0
        assert png_size(out) == (1366, 768)
    from annotator.ui.shell.screen import given_screen

    assert given_screen() is None  # the command gave the screen back: the next window fits the real one
