"""The window's doors for a name say what the command line says (`records.person_name_problem`,
`records.name_problem`): the first-start dialog, Team ▸ Mark trainee…, File ▸ Annotator name…,
the Actors dialog and the Label scheme dialog refuse a name with a control or invisible character
or a word mixing scripts, say why, and write nothing."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QInputDialog

from annotator.store import Store

SPOOF = "Z\u0435lensky"  # a Cyrillic е among Latin letters


def test_the_first_start_dialog_asks_again_for_each_name_no_person_has(qtbot, monkeypatch):
    from annotator.ui.annotate.window import controller as ctl
    from annotator.ui.annotate.window.team import FirstStartDialog

    monkeypatch.delenv("ANNOTATOR_NAME", raising=False)
    typed = iter(["ti\u200bna", "ti\u202ena", "ti\x1bna", "gold", "tina"])
    prompts: list[str] = []

    def answer(dialog: FirstStartDialog) -> int:
        prompts.append(dialog.prompt.text())
        dialog.name.setText(next(typed))
        return 1

    monkeypatch.setattr(FirstStartDialog, "exec", answer)
    controller = ctl.Controller(ctl.QApplication.instance())
    controller.settings.set(ctl.ws.ANNOTATOR_NAME, "")
    assert controller.annotator() == "tina"
    said = [prompt.split(": choose another name.")[0] for prompt in prompts[1:]]
    assert said == [
        "the name 'ti\\u200bna' holds an invisible character (U+200B ZERO WIDTH SPACE)",
        "the name 'ti\\u202ena' holds a bidi control character (U+202E) that reorders how it reads",
        "the name 'ti\\x1bna' holds a line break or control character (U+001B)",
        "\"gold\" is the review's layer (decided in annotator review), not an annotator's name",
    ]
    assert controller.settings.get(ctl.ws.ANNOTATOR_NAME) == "tina"


def test_a_remembered_name_with_an_invisible_character_is_asked_again(qtbot, monkeypatch):
    from annotator.ui.annotate.window import controller as ctl
    from annotator.ui.annotate.window.team import FirstStartDialog

    monkeypatch.setenv("ANNOTATOR_NAME", "ti\u200bna")  # ANNOTATOR_NAME is a door too
    monkeypatch.setattr(FirstStartDialog, "exec", lambda dialog: dialog.name.setText("tina") or 1)
    controller = ctl.Controller(ctl.QApplication.instance())
    controller.settings.set(ctl.ws.ANNOTATOR_NAME, "an\u2060na")
    assert controller.annotator() == "tina"


def test_mark_trainee_refuses_a_look_alike_name_and_marks_no_one(window, project, monkeypatch):
    from annotator.ui.annotate.window import team

    said: list[str] = []
    monkeypatch.setattr(team.QInputDialog, "getText", lambda *a, **k: ("ti\u200bna", True))
    monkeypatch.setattr(team, "show_message", lambda _parent, _title, text: said.append(text))
    team.mark_trainee_dialog(window)
    assert said == [
        "the name 'ti\\u200bna' holds an invisible character (U+200B ZERO WIDTH SPACE): choose another name."
    ]
    with Store.open(project) as store:
        assert store.guidelines.trainees() == set()


def test_file_annotator_name_refuses_a_control_character_and_keeps_the_name(window, monkeypatch):
    from annotator.ui.annotate.window import main_window

    said: list[str] = []
    monkeypatch.setattr(main_window.QInputDialog, "getText", lambda *a, **k: ("an\x1b[31mna", True))
    monkeypatch.setattr(main_window, "show_message", lambda _parent, _title, text: said.append(text))
    window.change_annotator()
    assert said == ["the name 'an\\x1b[31mna' holds a line break or control character (U+001B): choose another name."]
    assert window.session.annotator == "tester"


def test_file_annotator_name_refuses_a_look_alike_and_takes_a_name_in_cyrillic(window, monkeypatch):
    from annotator.ui.annotate.window import main_window

    said: list[str] = []
    monkeypatch.setattr(main_window, "show_message", lambda _parent, _title, text: said.append(text))
    monkeypatch.setattr(main_window.QInputDialog, "getText", lambda *a, **k: (SPOOF, True))
    window.change_annotator()
    assert said == [
        f"the name {SPOOF!r}: the word {SPOOF!r} mixes Latin and Cyrillic letters "
        "(U+0435 CYRILLIC SMALL LETTER IE): choose another name."
    ]
    assert window.session.annotator == "tester"
    monkeypatch.setattr(main_window.QInputDialog, "getText", lambda *a, **k: ("Олена", True))
    window.change_annotator()
    assert window.session.annotator == "Олена" and len(said) == 1


def test_the_actors_dialog_refuses_a_look_alike_alias_and_takes_a_cyrillic_one(qtbot, project, monkeypatch):
    from annotator.ui.annotate.schemes import actor_dialog
    from annotator.ui.annotate.schemes.actor_dialog import ActorDialog

    with Store.open(project) as store:
        store.actors.add_actor("Volodymyr Zelensky", "person", "Ukraine")
    store = Store.open(project)
    dialog = ActorDialog(store)
    qtbot.addWidget(dialog)
    said: list[str] = []
    monkeypatch.setattr(actor_dialog, "show_message", lambda _parent, _title, text: said.append(text))
    dialog.select("Volodymyr Zelensky")
    for typed in (SPOOF, "Zel\u200bensky", "Зеленський"):
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, typed=typed, **k: (typed, True))
        dialog.buttons["alias"].click()
    assert said == [
        f"alias {SPOOF!r}: the word {SPOOF!r} mixes Latin and Cyrillic letters (U+0435 CYRILLIC SMALL LETTER IE)",
        "alias 'Zel\\u200bensky' holds an invisible character (U+200B ZERO WIDTH SPACE)",
    ]
    assert dialog.status.text() == "“Зеленський” is now an alias of “Volodymyr Zelensky”"
    (actor,) = store.actors.actors()
    assert [alias for alias, _ in actor.aliases] == ["Зеленський"]
    store.close()


def test_the_label_scheme_dialog_refuses_a_label_with_an_invisible_character(window, project, monkeypatch):
    from annotator.ui.annotate.schemes import scheme_dialog

    dialog = scheme_dialog.SchemeDialog(window.session, window)
    said: list[str] = []
    monkeypatch.setattr(scheme_dialog, "show_message", lambda _parent, _title, text: said.append(text))
    original, first = dialog.entries[0]
    dialog.entries[0] = (original, replace(first, name=f"{first.name}\u00ad"))
    dialog.save()
    assert said == [f"Label {first.name + chr(0xAD)!r} holds an invisible character (U+00AD SOFT HYPHEN)."]
    with Store.open(project) as store:
        assert store.schemes.label_scheme() is None  # nothing saved: the defaults still
    dialog.reject()
