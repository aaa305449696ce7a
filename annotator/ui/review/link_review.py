"""A link conflict in the review window: the statement, and the other end each annotator linked it to.

The statement (the conflict's region) is on the region colour in every column; each annotator's
other ends in the slot are tinted in the link type's colour, underlined in red where the
annotators differ; the gold column shows the decided (or agreed, dotted) ends. The table lists
every other end any annotator linked, with who did. Text colours read at 4.5:1 on what is under
them (`palette.readable`); every string from the data is plain text.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QHeaderView, QTableWidgetItem

from annotator.records import GOLD
from annotator.review.links import LinkConflict
from annotator.schemes.links import project_link_types, type_named
from annotator.text import excerpt
from annotator.ui.review.widgets import TOOLTIP_WORDS, focus_format, review_soft_tint, tinted
from annotator.ui.shell import palette, style
from annotator.ui.shell.plaintext import tooltip


def link_tint(window, conflict: LinkConflict, soft: bool = False) -> str:
    th = style.current_theme()
    kind = type_named(project_link_types(window.store), conflict.label)
    color = kind.color if kind is not None else "#57534e"
    return review_soft_tint(color, th) if soft else palette.label_tint(color, th)


def ends_text(window, conflict: LinkConflict, ends) -> str:
    """Other ends as words: `Putin, the Kremlin`; `none` when there are none."""
    text = window.session.article(conflict.article_id).text
    shown = [excerpt(text[a:b], 40) for a, b in sorted(ends)]
    return ", ".join(shown) if shown else "none"


def paint_link_conflict(window, conflict: LinkConflict) -> None:
    """Mark the statement and each column's other ends (see the module docstring)."""
    s = window.session
    th = style.current_theme()
    length = len(s.article(conflict.article_id).text)

    def fmt_on(background: str | None, here: bool) -> QTextCharFormat:
        return focus_format(th, background, here)

    def base(edit) -> list:
        sels = [window._selection(conflict.start, conflict.end, fmt_on(th.region, True), edit)]
        if conflict.start > 0:
            sels.append(window._selection(0, conflict.start, fmt_on(None, False), edit))
        if conflict.end < length:
            sels.append(window._selection(conflict.end, length, fmt_on(None, False), edit))
        return sels

    everyone = set().union(*conflict.values.values()) if conflict.values else set()
    for name, column in zip(s.annotators, window.columns, strict=True):
        edit = column.text
        sels = base(edit)
        mine = conflict.values.get(name)
        for a, b in sorted(mine or ()):
            disputed = any((a, b) not in other for other in conflict.values.values())
            fmt = fmt_on(link_tint(window, conflict), True)
            if disputed:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor(th.error))
            fmt.setToolTip(tooltip(f"{name}: {conflict.label} → {ends_text(window, conflict, [(a, b)])}"))
            sels.append(window._selection(a, b, fmt, edit))
        for a, b in sorted(everyone - set(mine or ())):
            fmt = fmt_on(None, False)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(QColor(th.error))
            fmt.setToolTip(tooltip(f"{name}: not linked as {conflict.label}"))
            sels.append(window._selection(a, b, fmt, edit))
        edit.setExtraSelections(sels)
        column.summary.setText(
            "has not worked on this article"
            if mine is None
            else f"{conflict.label}: {ends_text(window, conflict, mine)}"
        )
    gold = s.gold_links(conflict)
    agreed = gold is not None and conflict.slot not in s.link_decided.get(conflict.article_id, set())
    edit = window.gold_column.text
    sels = base(edit)
    for a, b in sorted(gold or ()):
        fmt = fmt_on(link_tint(window, conflict, soft=agreed), True)
        if agreed:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setToolTip(tooltip(f"gold: {conflict.label} → {ends_text(window, conflict, [(a, b)])}"))
        sels.append(window._selection(a, b, fmt, edit))
    edit.setExtraSelections(sels)
    if gold is None:
        window.gold_column.summary.setText(f"undecided: {conflict.label}")
    else:
        window.gold_column.summary.setText(f"✓ {conflict.label}: {ends_text(window, conflict, gold)}")


def fill_link_table(window, conflict: LinkConflict) -> None:
    """One row per other end any annotator linked: who linked it, and gold's decision."""
    s = window.session
    text = s.article(conflict.article_id).text
    ends = sorted(set().union(*conflict.values.values())) if conflict.values else []
    gold = s.gold_links(conflict)
    headers = [f"{conflict.label} →", *s.annotators, GOLD]
    table = window.table
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(ends))
    tint = link_tint(window, conflict)
    for row, (a, b) in enumerate(ends):
        item = QTableWidgetItem(excerpt(text[a:b], 70))
        item.setToolTip(tooltip(f"{a}–{b}: {excerpt(text[a:b], TOOLTIP_WORDS)}"))
        table.setItem(row, 0, item)
        for col, name in enumerate(s.annotators, 1):
            mine = conflict.values.get(name)
            cell = QTableWidgetItem("—" if mine is None else ("linked" if (a, b) in mine else "not linked"))
            if mine is not None and (a, b) in mine:
                tinted(cell, tint)
            table.setItem(row, col, cell)
        decided = "undecided" if gold is None else ("linked" if (a, b) in gold else "not linked")
        cell = QTableWidgetItem(decided)
        if gold is not None and (a, b) in gold:
            tinted(cell, tint)
        table.setItem(row, len(headers) - 1, cell)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
