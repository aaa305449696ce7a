"""Render resources/icons/annotator.svg to the PNG, .ico and .icns the packages need (run once, commit the output).

Qt only (QtSvg and the ico/icns image plugins of PySide6); works offscreen:
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - image plugins need it
    renderer = QSvgRenderer(str(ICONS / "annotator.svg"))
    if not renderer.isValid():
        print(f"cannot read {ICONS / 'annotator.svg'}", file=sys.stderr)
        return 1
    outputs = {"annotator.png": (256, b"png"), "annotator.ico": (256, b"ico"), "annotator.icns": (512, b"icns")}
    for name, (size, fmt) in outputs.items():
        if fmt not in [bytes(f) for f in QImageWriter.supportedImageFormats()]:
            print(f"skipped {name}: Qt has no {fmt.decode()} writer here", file=sys.stderr)
            continue
        writer = QImageWriter(str(ICONS / name), fmt)
        if not writer.write(render(renderer, size)):
            print(f"cannot write {name}: {writer.errorString()}", file=sys.stderr)
            return 1
        print(f"wrote {ICONS / name} ({size}x{size})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
