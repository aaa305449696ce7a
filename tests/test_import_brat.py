"""brat standoff from INCEpTION or brat: each span lands on the characters its line quotes,
whichever way the exporting tool counted the BOM and CRLF, and what a project cannot hold
(relations, attributes, discontinuous spans) is named FILE:LINE while the rest comes in."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.importing.run import import_paths
from annotator.store import Store
from annotator.text import BOM, normalize

RAW = BOM + "Kyiv 🇺🇦 offered a pause.\r\nMoscow 😀 said no\r\nto the offer.\r\n"


def write_pair(folder: Path, name: str, raw: str, ann_lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(raw.encode("utf-8"))
    (folder / f"{name}.ann").write_text("".join(line + "\n" for line in ann_lines), encoding="utf-8")
    return folder / f"{name}.txt"


def t_line(tid: str, label: str, text: str, quote: str, after: int = 0) -> str:
    start = text.index(quote, after)
    return f"{tid}\t{label} {start} {start + len(quote)}\t{flat(quote)}"


def stored_spans(store: Store) -> list[tuple[str, str, str]]:
    """(covered text, label, note) of every imported span, as the export sees them."""
    return [(row.text[s:e], label, note) for row in store.export_rows() for s, e, label, note in row.spans]


def test_spans_counted_on_the_raw_file_land_on_their_words_after_bom_and_crlf_are_gone(store, tmp_path):
    txt = write_pair(
        tmp_path,
        "a",
        RAW,
        [
            t_line("T1", "offer", RAW, "offered a pause"),
            t_line("T2", "denial", RAW, "Moscow 😀 said no\r\nto the offer"),
            "#1\tAnnotatorNotes T1\thedged 👍🏽",
        ],
    )
    report = import_paths(store, [txt], annotator="anna")
    assert report.ok, report.rejections
    text = store.articles.article(store.articles.article_ids()[0]).text
    assert text == normalize(RAW)[0] and not text.startswith(BOM) and "\r" not in text
    assert sorted(stored_spans(store)) == [
        ("Moscow 😀 said no\nto the offer", "denial", ""),
        ("offered a pause", "offer", "hedged 👍🏽"),
    ]


def test_spans_counted_with_crlf_as_one_character_land_there_too(store, tmp_path):
    """brat #853: some tools count CRLF as one character (and drop the BOM)."""
    counted = normalize(RAW)[0]
    txt = write_pair(tmp_path, "a", RAW, [t_line("T1", "denial", counted, "said no\nto")])
    assert "\tsaid no to" in txt.with_suffix(".ann").read_text(encoding="utf-8")  # brat writes a break as a space
    report = import_paths(store, [txt], annotator="anna")
    assert report.ok, report.rejections
    assert stored_spans(store) == [("said no\nto", "denial", "")]


def test_what_a_project_cannot_hold_is_named_and_the_rest_comes_in(store, tmp_path):
    txt = write_pair(
        tmp_path,
        "a",
        RAW,
        [
            t_line("T1", "offer", RAW, "offered a pause"),
            t_line("T2", "GPE", RAW, "Moscow"),
            "R1\tResponds Arg1:T2 Arg2:T1",
            "A1\tNegated T1",
            "T3\tcondition 1 5;26 32\tKyiv Moscow",
            "#2\tAnnotatorNotes T3\ta note on a span that did not come in",
        ],
    )
    report = import_paths(store, [txt], annotator="anna")
    ann = str(txt.with_suffix(".ann"))
    assert [str(r) for r in report.rejections] == [
        f"{ann}:4: A1 is an attribute; only spans (T), relations (R) and notes come in",
        f"{ann}:5: T3 is a discontinuous span (1 5;26 32); a statement is one stretch of text",
        f"{ann}:6: AnnotatorNotes on T3, which is not an imported span",
    ]
    assert sorted(stored_spans(store)) == [("Moscow", "GPE", ""), ("offered a pause", "offer", "")]
    (link,) = store.links.links(store.articles.article_ids()[0], "anna")  # R1: Arg1 → Arg2
    text = store.articles.article(store.articles.article_ids()[0]).text
    assert (text[slice(*link.head)], text[slice(*link.child)], link.label) == ("Moscow", "offered a pause", "Responds")


def test_lines_left_out_of_an_article_that_came_in_are_notes_and_the_import_exits_0(cli, db_path, tmp_path):
    """An attribute the importer does not read and an AnnotatorNotes line holding an ESC or a bidi
    control leave the article in: each is named FILE:LINE and counted as a note on a record that came
    in, not a rejection (before: `3 rejected (see above)`, exit 1)."""
    txt = write_pair(
        tmp_path,
        "a",
        RAW,
        [
            t_line("T1", "offer", RAW, "offered a pause"),
            t_line("T2", "denial", RAW, "said no"),
            "A1\tNegation T2",
            "#1\tAnnotatorNotes T1\tsee \x1b]0;pwned\x07",
            "#2\tAnnotatorNotes T2\tsee \u202eevil",
        ],
    )
    result = cli("import", "--no-ner", txt)
    assert result.exit_code == 0, result.output
    ann = txt.with_suffix(".ann")
    lines = result.stderr.splitlines()
    assert f"{ann}:3: A1 is an attribute; only spans (T), relations (R) and notes come in" in lines
    assert sum(line.startswith(f"{ann}:4: ") or line.startswith(f"{ann}:5: ") for line in lines) == 2
    assert "3 notes on records that came in, 0 rejected (see above)" in lines
    assert not {"\x1b", "\u202e"} & set(result.output)
    with Store.open(db_path) as store:
        assert sorted(stored_spans(store)) == [("offered a pause", "offer", ""), ("said no", "denial", "")]


def test_relations_naming_what_is_not_there_are_named_and_end_attributes_make_no_statement(store, tmp_path):
    txt = write_pair(
        tmp_path,
        "a",
        RAW,
        [
            t_line("T1", "offer", RAW, "offered a pause"),
            t_line("T2", "GPE", RAW, "Moscow"),
            "A1\tEnd T2",
            "R1\tspeaker Arg1:T1 Arg2:T2",
            "R2\ttarget Arg1:T1 Arg2:T9",
            "R3\tbroken Arg1:T1",
        ],
    )
    report = import_paths(store, [txt], annotator="anna")
    ann = str(txt.with_suffix(".ann"))
    assert [str(r) for r in report.rejections] == [
        f"{ann}:6: R3: expected 'R<id><TAB><type> Arg1:T<id> Arg2:T<id>'",
        f"{ann}:5: R2 names T9, which is not a text-bound annotation",
    ]
    assert stored_spans(store) == [("offered a pause", "offer", "")]  # T2 is an end only
    (link,) = store.links.links(store.articles.article_ids()[0], "anna")
    assert link.label == "speaker"


def test_an_ann_that_does_not_fit_its_text_is_refused_whole(cli, db_path, tmp_path):
    txt = write_pair(tmp_path, "a", RAW, [t_line("T1", "offer", RAW, "offered a pause"), "T2\tdenial 40 46\tKremlin"])
    result = cli("import", "--no-ner", txt)
    assert result.exit_code == 1
    assert f"{txt.with_suffix('.ann')}:2: T2 quotes 'Kremlin' at 40-46, but a.txt has " in result.stderr
    assert "so the article was not imported" in result.stderr
    with Store.open(db_path) as store:
        assert store.articles.article_ids() == []


def test_a_folder_of_brat_pairs_imports_like_inception_exported_it(cli, db_path, tmp_path):
    folder = tmp_path / "inception"
    write_pair(folder, "one", RAW, [t_line("T1", "offer", RAW, "offered a pause")])
    second = "Odesa port reopened.\n"
    write_pair(folder / "more", "two", second, [t_line("T1", "claim", second, "port reopened")])
    (folder / "plain.txt").write_text("No annotations here.\n", encoding="utf-8")
    result = cli("import", "--no-ner", folder)
    assert result.exit_code == 0, result.output
    assert "imported 3 new articles; 2 labels" in result.stdout
    again = cli("import", "--no-ner", folder / "one.ann")  # naming the .ann brings its .txt
    assert again.exit_code == 0 and "1 record matched articles already in the project" in again.stdout
    with Store.open(db_path) as store:
        assert sorted(stored_spans(store)) == [("offered a pause", "offer", ""), ("port reopened", "claim", "")]


def flat(text: str) -> str:
    """A quote as brat writes it: each line break a space."""
    return text.replace("\r\n", " ").replace("\n", " ")


def could_quote(reading: str, start: int, end: int, quote: str) -> bool:
    """Whether `quote` may be brat's quote of reading[start:end] (a CRLF written as one space or two)."""
    here = reading[start:end]
    inside_crlf = any(0 < o < len(reading) and reading[o - 1 : o + 1] == "\r\n" for o in (start, end))
    both = (flat(here), here.replace("\r", " ").replace("\n", " "))
    return end <= len(reading) and not inside_crlf and quote in both


PIECES = ["Kyiv", " ", "🇺🇦", "😀", "e\u0301", "\r\n", "\n", "talks", "."]


@settings(max_examples=40, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=2, max_size=30),
    bom=st.booleans(),
    cuts=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)), min_size=1, max_size=4),
    crlf_as_one=st.booleans(),
)
def test_any_span_on_any_text_lands_on_the_characters_it_quotes(pieces, bom, cuts, crlf_as_one):
    assume("".join(pieces).strip())  # a blank file is no article
    raw = (BOM if bom else "") + "".join(pieces)
    counted = raw.replace("\r\n", "\n").removeprefix(BOM) if crlf_as_one else raw
    # spans start and end between pieces, as a tool's tokens would
    edges = [len(BOM) if bom and not crlf_as_one else 0]
    for piece in pieces:
        edges.append(edges[-1] + len(piece.replace("\r\n", "\n") if crlf_as_one else piece))
    lines, quotes, expected = [], [], set()
    for n, (a, length) in enumerate(cuts, 1):
        i = min(a, len(pieces) - 1)
        j = min(i + length, len(pieces))
        start, end = edges[i], edges[j]
        quote = counted[start:end]
        if not quote.strip():
            continue
        lines.append(f"T{n}\tL{n} {start} {end}\t{flat(quote)}")
        quotes.append((start, end, flat(quote)))
        expected.add(("".join(pieces[i:j]).replace("\r\n", "\n"), f"L{n}", ""))
    # when the quotes also fit an earlier way of counting (".." shifted by one is ".."), that one wins
    earlier = [r for r in (raw, raw.removeprefix(BOM), raw.replace("\r\n", "\n")) if r != counted]
    assume(not any(all(could_quote(r, s, e, q) for s, e, q in quotes) for r in earlier))
    with tempfile.TemporaryDirectory() as folder:
        txt = write_pair(Path(folder), "a", raw, lines)
        with Store.create(Path(folder) / "p.annotator.sqlite") as store:
            report = import_paths(store, [txt], annotator="anna")
            assert report.ok, report.rejections
            assert set(stored_spans(store)) == expected


def test_offsets_counted_in_utf16_units_are_read_so_when_the_quotes_prove_it(cli, db_path, tmp_path):
    """INCEpTION (Java) counts UTF-16 code units: the emoji before the spans is two of them."""
    raw = "Title line 🙂\nBrenn offered talks.\nOrlov denied it.\n"
    txt = write_pair(
        tmp_path, "doc", raw, ["T1\toffer 14 34\tBrenn offered talks.", "T2\tdenial 35 51\tOrlov denied it."]
    )
    result = cli("import", "--no-ner", txt)
    assert result.exit_code == 0, result.output
    with Store.open(db_path) as store:
        assert sorted(stored_spans(store)) == [
            ("Brenn offered talks.", "offer", ""),
            ("Orlov denied it.", "denial", ""),
        ]


def test_utf16_offsets_with_a_quote_that_fits_no_reading_are_still_refused(cli, db_path, tmp_path):
    raw = "Title line 🙂\nBrenn offered talks.\nOrlov denied it.\n"
    txt = write_pair(tmp_path, "doc", raw, ["T1\toffer 14 34\tBrenn offered talks.", "T2\tdenial 35 51\tOrlov agreed."])
    result = cli("import", "--no-ner", txt)
    assert result.exit_code == 1 and "this .ann does not fit its text" in result.stderr


def test_an_annotator_note_with_a_terminal_escape_is_left_out_and_its_span_comes_in(store, tmp_path):
    txt = write_pair(
        tmp_path,
        "a",
        RAW,
        [t_line("T1", "offer", RAW, "offered a pause"), "#1\tAnnotatorNotes T1\tn\x1b]0;x\x07ote"],
    )
    report = import_paths(store, [txt], annotator="anna")
    ann = str(txt.with_suffix(".ann"))
    assert [str(r) for r in report.rejections] == [
        f"{ann}:2: note 'n\\x1b]0;x\\x07ote' holds a control character (U+001B); "
        "a note keeps only text, line breaks and tabs; left out"
    ]
    assert stored_spans(store) == [("offered a pause", "offer", "")]


def test_a_type_no_name_may_be_refuses_its_article_by_line_and_the_next_article_comes_in(cli, db_path, tmp_path):
    """A T line's type and an R line's type are names (a label, a link type): a bidi override, a
    zero-width space or 10,000 characters is refused as a JSONL label is, FILE.ann:LINE: reason,
    the article with it (a statement left out would read as no statement), and no stats line
    ever shows the 10,000 characters."""
    folder = tmp_path / "brat"
    folder.mkdir()
    offer = t_line("T1", "offer", RAW, "offered a pause")
    no = t_line("T2", "denial", RAW, "said no")
    bidi = write_pair(folder, "a", RAW, [t_line("T1", "of\u202efer", RAW, "offered a pause"), no])
    long = write_pair(folder, "b", RAW, [offer, t_line("T2", "X" * 10_000, RAW, "said no")])
    hidden = write_pair(folder, "c", RAW, [offer, no, "R1\tspe\u200baker Arg1:T1 Arg2:T2"])
    write_pair(folder, "d", RAW, [offer, no, "R1\tspeaker Arg1:T1 Arg2:T2"])
    result = cli("import", "--no-ner", folder)
    assert result.exit_code == 1
    assert sorted(line for line in result.stderr.splitlines() if ".ann:" in line) == [
        f"{bidi.with_suffix('.ann')}:1: T1's type 'of\\u202efer' holds a bidi control character (U+202E) "
        "that reorders how it reads; the article was not imported",
        f"{long.with_suffix('.ann')}:2: T2's type is 10,000 characters long; a name has at most 200; "
        "the article was not imported",
        f"{hidden.with_suffix('.ann')}:3: R1's relation type 'spe\\u200baker' holds an invisible character "
        "(U+200B ZERO WIDTH SPACE); the article was not imported",
    ]
    with Store.open(db_path) as store:
        assert sorted(stored_spans(store)) == [("offered a pause", "offer", ""), ("said no", "denial", "")]
        assert [link.label for row in store.export_rows() for link in row.links] == ["speaker"]
    stats = cli("stats")
    assert stats.exit_code == 0 and "X" * 201 not in stats.output


def test_every_bad_type_of_an_ann_is_given_by_its_line(store, tmp_path):
    txt = write_pair(
        tmp_path,
        "a",
        RAW,
        [
            t_line("T1", "off\x1b[31mer", RAW, "offered a pause"),
            t_line("T2", "denial", RAW, "said no"),
            t_line("T3", "den\u2066ial", RAW, "Moscow"),
            "R1\tspeaker\u200d Arg1:T1 Arg2:T2",
        ],
    )
    report = import_paths(store, [txt], annotator="anna")
    assert [str(r) for r in report.rejections] == [
        f"{txt.with_suffix('.ann')}:1: T1's type 'off\\x1b[31mer' holds a line break or control character "
        "(U+001B) (and on lines 3, 4); the article was not imported"
    ]
    assert store.articles.article_ids() == []


def test_a_t_line_without_a_type_is_named_and_the_rest_comes_in(store, tmp_path):
    start = RAW.index("said no")
    txt = write_pair(tmp_path, "a", RAW, [t_line("T1", "offer", RAW, "offered a pause"), f"T2\t {start} {start + 7}"])
    report = import_paths(store, [txt], annotator="anna")
    assert [str(r) for r in report.rejections] == [
        f"{txt.with_suffix('.ann')}:2: T2: expected 'T<id><TAB><type> <start> <end><TAB><text>'"
    ]
    assert stored_spans(store) == [("offered a pause", "offer", "")]
