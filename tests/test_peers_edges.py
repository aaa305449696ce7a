"""The peers' edge shapes come in as their tools meant them (issue 28): a Label Studio relation's
`direction`, Prodigy relations by token index with no tokens, doccano's plain line under
`--format doccano`, Label Studio's dialogue tasks, a `-DOCSTART-` word, an entity next to a comma —
and a task that came in is never counted as rejected for what it held that was left out."""

from __future__ import annotations

import json

from annotator.formats.conll import conll_document
from annotator.importing.run import import_paths
from annotator.records import Entity
from annotator.store import Store
from tests.conftest import write_jsonl
from tests.test_import_label_studio import TEXT, region, write_json

OFFER, CONDITION = "Kyiv 🇺🇦 offered a pause on strikes", "if Moscow halts its drone attacks"


def relation_task(direction: str | None) -> dict:
    relation = {"from_id": "a1", "to_id": "a2", "type": "relation", "labels": ["if"]}
    if direction is not None:
        relation["direction"] = direction
    result = [region(TEXT, OFFER, ["offer"], rid="a1"), region(TEXT, CONDITION, ["condition"], rid="a2"), relation]
    return {"id": 3, "data": {"text": TEXT}, "annotations": [{"completed_by": 1, "result": result}]}


def link_texts(store: Store, annotator: str) -> list[tuple[str, str, str]]:
    (article_id,) = store.articles.article_ids()
    return [(TEXT[slice(*k.head)], TEXT[slice(*k.child)], k.label) for k in store.links.links(article_id, annotator)]


def test_a_left_relation_is_stored_from_its_to_region_and_a_bi_one_both_ways(store, tmp_path):
    import_paths(store, [write_json(tmp_path / "left.json", [relation_task("left")])], annotator="me")
    assert link_texts(store, "ls-1") == [(CONDITION, OFFER, "if")]


def test_a_bi_relation_is_two_links_and_the_task_says_so(store, tmp_path):
    report = import_paths(store, [write_json(tmp_path / "bi.json", [relation_task("bi")])], annotator="me")
    assert sorted(link_texts(store, "ls-1")) == sorted([(OFFER, CONDITION, "if"), (CONDITION, OFFER, "if")])
    assert [(r.line, r.reason, r.kept) for r in report.rejections] == [
        (2, "task 3: 1 relation with direction bi stored as two links, one each way", True)
    ]


def test_a_relation_without_direction_goes_right_and_a_strange_direction_is_named(store, tmp_path):
    import_paths(store, [write_json(tmp_path / "right.json", [relation_task(None)])], annotator="me")
    assert link_texts(store, "ls-1") == [(OFFER, CONDITION, "if")]
    report = import_paths(store, [write_json(tmp_path / "up.json", [relation_task("up")])], annotator="me")
    assert [r.reason for r in report.rejections] == [
        "task 3: ls-1: relation 2: direction must be right, left or bi, got 'up'"
    ]


DIALOGUE = [
    {"author": "Reporter", "text": "Will the strikes stop?"},
    {"author": "Minister", "text": "Only if the drones stop first."},
]


def test_a_dialogue_task_brings_its_utterances_as_text_and_its_paragraph_labels(store, tmp_path):
    value = {"start": "1", "end": "1", "startOffset": 5, "endOffset": 29, "text": "if the drones stop first"}
    value["paragraphlabels"] = ["condition"]
    result = [{"id": "p1", "from_name": "label", "to_name": "dialogue", "type": "paragraphlabels", "value": value}]
    task = {
        "id": 8,
        "data": {"title": "Interview", "dialogue": DIALOGUE},
        "annotations": [{"completed_by": 2, "result": result}],
    }
    report = import_paths(store, [write_json(tmp_path / "dialogue.json", [task])], annotator="me")
    assert report.rejections == []
    (row,) = store.export_rows("ls-2")
    assert row.text == "Will the strikes stop?\nOnly if the drones stop first."
    assert [(row.text[s:e], label) for s, e, label, _ in row.spans] == [("if the drones stop first", "condition")]
    assert row.status == "done" and row.meta["title"] == "Interview"


def test_a_hypertext_layer_whose_every_region_was_left_out_is_not_done(store, tmp_path):
    value = {"start": "/p[1]/text()[1]", "end": "/p[1]/text()[1]", "startOffset": 0, "endOffset": 4}
    value |= {"globalOffsets": {"start": 0, "end": 4}, "text": "Lviv", "htmllabels": ["GPE"]}  # not what is there
    result = [{"id": "h1", "from_name": "ner", "to_name": "text", "type": "hypertextlabels", "value": value}]
    task = {"id": 9, "data": {"text": "<p>Kyiv said no.</p>"}, "annotations": [{"completed_by": 4, "result": result}]}
    report = import_paths(store, [write_json(tmp_path / "html.json", [task])], annotator="me")
    assert [(r.reason, r.kept) for r in report.rejections] == [
        (
            "task 9: 1 annotation whose every region was left out (not stored as done) not imported yet; "
            "ls-4: region 'h1' (GPE) quotes 'Lviv' but the HTML's text there is 'Kyiv'; left out",
            True,
        )
    ]
    assert store.stats()["articles"] == 1
    assert all(row.status != "done" for row in store.export_rows()), "no textcat negative from an unread layer"


HTML = (
    "<div><h1>Talks</h1><p>Kyiv <b>offered</b> a pause.<br>Moscow said no.</p><!-- c --><p>Odesa &amp; Lviv.</p></div>"
)


def html_region(rid: str, label: str, quote: str, xpath: tuple[str, int, str, int], spread: tuple[int, int] | None):
    value = {"start": xpath[0], "startOffset": xpath[1], "end": xpath[2], "endOffset": xpath[3], "text": quote}
    if spread is not None:
        value["globalOffsets"] = {"start": spread[0], "end": spread[1]}
    value["htmllabels"] = [label]
    return {"id": rid, "from_name": "ner", "to_name": "text", "type": "hypertextlabels", "value": value}


def test_hypertext_regions_are_read_by_global_offsets_and_by_xpath_in_the_htmls_text(store, tmp_path):
    result = [
        html_region("h1", "GPE", "Kyiv", ("/div[1]/p[1]/text()[1]", 0, "/div[1]/p[1]/text()[1]", 4), (5, 9)),
        html_region(
            "h2", "offer", "offered", ("/div[1]/p[1]/b[1]/text()[1]", 0, "/div[1]/p[1]/b[1]/text()[1]", 7), None
        ),
        html_region(  # across the <br>: Label Studio counts it as one, shows a line break
            "h3", "claim", "a pause.\\nMoscow", ("/div[1]/p[1]/text()[2]", 1, "/div[1]/p[1]/text()[3]", 6), (18, 33)
        ),
        html_region("h4", "GPE", "Lviv", ("/div[1]/p[2]/text()[1]", 8, "/div[1]/p[2]/text()[1]", 12), (50, 54)),
        {"from_id": "h1", "to_id": "h2", "type": "relation", "direction": "right", "labels": ["makes"]},
    ]
    task = {"id": 5, "data": {"text": HTML}, "annotations": [{"completed_by": 4, "result": result}]}
    report = import_paths(store, [write_json(tmp_path / "html.json", [task])], annotator="me")
    assert report.rejections == []
    (row,) = store.export_rows("ls-4")
    assert row.text == "Talks\nKyiv offered a pause.\nMoscow said no.\nOdesa & Lviv.", "text, never HTML"
    assert [(row.text[s:e], label) for s, e, label, _ in row.spans] == [
        ("Kyiv", "GPE"),
        ("offered", "offer"),
        ("a pause.\nMoscow", "claim"),
        ("Lviv", "GPE"),
    ]
    assert row.status == "done"
    (article_id,) = store.articles.article_ids()
    assert [(row.text[slice(*k.head)], row.text[slice(*k.child)]) for k in store.links.links(article_id, "ls-4")] == [
        ("Kyiv", "offered")
    ]


def test_hypertext_regions_in_json_min_are_read_too(store, tmp_path):
    region = html_region("h1", "GPE", "Odesa", ("/div[1]/p[2]/text()[1]", 0, "/div[1]/p[2]/text()[1]", 5), (42, 47))
    item = {"text": HTML, "id": 5, "annotator": "ana@example.org", "annotation_id": 1, "ner": [region["value"]]}
    report = import_paths(store, [write_json(tmp_path / "min.json", [item])], annotator="me")
    assert report.rejections == []
    (row,) = store.export_rows("ana@example.org")
    assert [(row.text[s:e], label) for s, e, label, _ in row.spans] == [("Odesa", "GPE")]


def test_notes_on_tasks_that_came_in_are_not_counted_as_rejected(cli, tmp_path):
    task = relation_task("bi")
    bad = {"id": 4, "data": {"text": 5}}
    result = cli("import", "--no-ner", write_json(tmp_path / "t.json", [task, bad]))
    assert result.exit_code == 1
    assert "1 note on a record that came in, 1 rejected (see above)" in result.stderr


def test_import_format_doccano_takes_its_plain_line_and_our_own_doccano_export(cli, db_path, tmp_path):
    text = "Moscow denied the report."
    plain = write_jsonl(tmp_path / "plain.jsonl", [json.dumps({"text": text, "label": [[0, 6, "actor"]]})])
    result = cli("import", "--no-ner", "--format", "doccano", "--annotator", "admin", plain)
    assert result.exit_code == 0, result.output
    out = tmp_path / "ours.jsonl"
    assert cli("export", "--format", "doccano", "--annotator", "admin", out).exit_code == 0
    again = tmp_path / "again.sqlite"
    result = cli("import", "--no-ner", "--format", "doccano", out, db=again)
    assert result.exit_code == 0, result.output
    with Store.open(again) as store:
        (row,) = store.export_rows("admin")
        assert [(row.text[s:e], label) for s, e, label, _ in row.spans] == [("Moscow", "actor")]


def test_prodigy_relations_by_token_index_without_tokens_use_spacys_tokens(store, tmp_path):
    text = "Moscow said Kyiv shelled the substation."
    record = {
        "text": text,
        "spans": [{"start": 0, "end": 6, "label": "ACTOR"}, {"start": 12, "end": 16, "label": "ACTOR"}],
        "relations": [{"head": 0, "child": 2, "label": "ACCUSES"}, {"head": 2, "child": 5, "label": "HIT"}],
        "answer": "accept",
    }
    report = import_paths(store, [write_jsonl(tmp_path / "rel.jsonl", [json.dumps(record)])], annotator="me")
    assert report.rejections == []
    (article_id,) = store.articles.article_ids()
    found = [(text[slice(*k.head)], text[slice(*k.child)], k.label) for k in store.links.links(article_id, "me")]
    assert sorted(found) == [("Kyiv", "substation", "HIT"), ("Moscow", "Kyiv", "ACCUSES")]


def test_a_docstart_word_inside_a_sentence_survives_our_own_conll_round_trip(cli, db_path, tmp_path):
    source = "-DOCSTART- -X- O O\n\nThe _ _ O\nword _ _ O\n-DOCSTART- _ _ O\nis _ _ O\nKyiv _ _ B-GPE\n\n"
    path = tmp_path / "in.conll"
    path.write_text(source, encoding="utf-8")
    assert cli("import", "--no-ner", path).exit_code == 0
    out = tmp_path / "out.conll"
    assert cli("export", out).exit_code == 0
    again = tmp_path / "again.sqlite"
    assert cli("import", "--no-ner", out, db=again).exit_code == 0
    with Store.open(again) as store:
        (article_id,) = store.articles.article_ids()
        assert store.articles.article(article_id).text == "The word -DOCSTART- is Kyiv"


def test_an_entity_next_to_a_comma_is_tagged_when_no_tokens_were_stored():
    text = "Shelling hit Kharkiv, officials said."
    doc = conll_document(text, [Entity(13, 20, "GPE", "user")])
    assert doc.left_out == [] and doc.certain()
    assert ("Kharkiv", "B-GPE") in doc.certain()[0] and (",", "O") in doc.certain()[0]


FLAGGED = "Kyiv 🇺🇦 and Lviv 👍🏽 said é́ no."


def test_offsets_counted_in_grapheme_clusters_are_read_by_their_quotes(store, tmp_path):
    clusters = ["K", "y", "i", "v", " ", "🇺🇦", " ", "a", "n", "d", " ", "L", "v", "i", "v"]  # as a person sees them
    start = clusters.index("L")
    record = {"text": FLAGGED, "spans": [{"start": start, "end": start + 4, "label": "GPE", "text": "Lviv"}]}
    report = import_paths(store, [write_jsonl(tmp_path / "g.jsonl", [json.dumps(record)])], annotator="me")
    assert report.rejections == []
    (row,) = store.export_rows("me")
    assert [row.text[s:e] for s, e, *_ in row.spans] == ["Lviv"]


def test_a_span_that_cuts_a_grapheme_cluster_is_kept_and_named(store, tmp_path):
    thumb = FLAGGED.index("👍")
    record = {"text": FLAGGED, "spans": [{"start": thumb, "end": thumb + 1, "label": "EMOJI"}]}
    report = import_paths(store, [write_jsonl(tmp_path / "cut.jsonl", [json.dumps(record)])], annotator="me")
    assert [(r.line, r.kept) for r in report.rejections] == [(1, True)]
    assert "1 span cut a character in two" in report.rejections[0].reason
    assert f"kept as given: span {thumb}-{thumb + 1} '👍'" in report.rejections[0].reason
    assert store.stats()["spans"] == 1


def test_categories_nobody_was_asked_stay_unknown_in_the_docbin_and_doccat(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    from annotator.records import Category, CategoryGroup
    from tests.conftest import export_file

    scheme = [
        CategoryGroup("relevance", False, (Category("relevant"),)),
        CategoryGroup("topic", False, (Category("energy-strikes"),)),
        CategoryGroup("stance", True, (Category("pro"), Category("anti"), Category("neutral"))),
    ]
    text = "The shelling of the substation went on overnight."
    options = [{"id": name, "text": name} for name in ("pro", "anti", "neutral")]
    task = {"text": text, "options": options, "accept": ["neutral"], "answer": "accept", "_annotator_id": "anna"}
    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        store.schemes.set_category_scheme(scheme)
        report = import_paths(store, [write_jsonl(tmp_path / "stance.jsonl", [json.dumps(task)])], annotator="me")
        assert report.rejections == []
        export_file(store, tmp_path / "out.spacy", "spacy")
        export_file(store, tmp_path / "cats.jsonl", "doccat")
        store.categories.set_article_categories(
            store.articles.article_ids()[0], "anna", ["neutral", "relevant"]
        )  # chosen here: all asked
        store.articles.set_status(store.articles.article_ids()[0], "anna", "done")  # the choice task left it started
        export_file(store, tmp_path / "again.spacy", "spacy")
    (doc,) = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.cats == {"pro": 0.0, "anti": 0.0, "neutral": 1.0}, "relevant and energy-strikes were never asked"
    (line,) = (tmp_path / "cats.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["cats"] == {"pro": 0.0, "anti": 0.0, "neutral": 1.0}
    (doc,) = DocBin().from_disk(tmp_path / "again.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.cats == {"relevant": 1.0, "energy-strikes": 0.0, "pro": 0.0, "anti": 0.0, "neutral": 1.0}


def test_prodigy_options_are_exactly_what_was_asked_even_inside_a_group(tmp_path):
    from annotator.records import Category, CategoryGroup
    from tests.conftest import export_file

    scheme = [CategoryGroup("stance", True, tuple(Category(n) for n in ("positive", "negative", "neutral")))]
    options = [{"id": name, "text": name} for name in ("pro", "anti", "neutral")]
    task = {"text": "Talks went on.", "options": options, "accept": ["neutral"], "answer": "accept"}
    with Store.create(tmp_path / "p.annotator.sqlite") as store:
        store.schemes.set_category_scheme(scheme)
        import_paths(
            store, [write_jsonl(tmp_path / "t.jsonl", [json.dumps({**task, "_annotator_id": "anna"})])], annotator="me"
        )
        export_file(store, tmp_path / "cats.jsonl", "doccat")
    (line,) = (tmp_path / "cats.jsonl").read_text(encoding="utf-8").splitlines()
    # pro and anti were asked and not chosen: no (0); positive and negative were not among the options: missing
    assert json.loads(line)["cats"] == {"neutral": 1.0, "pro": 0.0, "anti": 0.0}


def _stance_scheme():
    from annotator.records import Category, CategoryGroup

    return [
        CategoryGroup("relevance", False, (Category("relevant"),)),
        CategoryGroup("topic", False, (Category("energy-strikes"),)),
        CategoryGroup("stance", True, (Category("pro"), Category("anti"), Category("neutral"))),
    ]


def _stance_task(text: str) -> dict:
    options = [{"id": name, "text": name} for name in ("pro", "anti", "neutral")]
    return {"text": text, "options": options, "accept": ["neutral"], "answer": "accept", "_annotator_id": "anna"}


def test_a_teammates_file_keeps_the_categories_nobody_was_asked_unknown_after_the_merge(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    from tests.conftest import export_file

    text = "The shelling of the substation went on overnight."
    with Store.create(tmp_path / "anna.annotator.sqlite") as anna:  # anna's project: a Prodigy choice task
        anna.schemes.set_category_scheme(_stance_scheme())
        import_paths(anna, [write_jsonl(tmp_path / "stance.jsonl", [json.dumps(_stance_task(text))])], annotator="x")
    with Store.create(tmp_path / "lead.annotator.sqlite") as lead:
        lead.schemes.set_category_scheme(_stance_scheme())
        report = import_paths(lead, [tmp_path / "anna.annotator.sqlite"], annotator="lead")
        assert report.rejections == []
        export_file(lead, tmp_path / "out.spacy", "spacy")
        export_file(lead, tmp_path / "cats.jsonl", "doccat")
        again = import_paths(lead, [tmp_path / "anna.annotator.sqlite"], annotator="lead")
        assert again.counts.replaced == {}, "the same file merged again changes nothing"
    (doc,) = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.cats == {"pro": 0.0, "anti": 0.0, "neutral": 1.0}, "relevant and energy-strikes were never asked"
    (line,) = (tmp_path / "cats.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["cats"] == {"pro": 0.0, "anti": 0.0, "neutral": 1.0}


def test_a_teammate_who_then_chose_in_the_window_was_asked_every_category(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    from tests.conftest import export_file

    text = "The shelling of the substation went on overnight."
    stance = write_jsonl(tmp_path / "stance.jsonl", [json.dumps(_stance_task(text))])
    with Store.create(tmp_path / "lead.annotator.sqlite") as lead:  # the lead had anna's Prodigy file
        lead.schemes.set_category_scheme(_stance_scheme())
        import_paths(lead, [stance], annotator="lead")
    with Store.create(tmp_path / "anna.annotator.sqlite") as anna:  # anna chose again in the window: all shown
        anna.schemes.set_category_scheme(_stance_scheme())
        import_paths(anna, [stance], annotator="x")
        anna.categories.set_article_categories(anna.articles.article_ids()[0], "anna", ["neutral", "relevant"])
        anna.articles.set_status(anna.articles.article_ids()[0], "anna", "done")  # the choice task left it started
    with Store.open(tmp_path / "lead.annotator.sqlite") as lead:
        import_paths(lead, [tmp_path / "anna.annotator.sqlite"], annotator="lead")
        export_file(lead, tmp_path / "out.spacy", "spacy")
    (doc,) = DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.cats == {"relevant": 1.0, "energy-strikes": 0.0, "pro": 0.0, "anti": 0.0, "neutral": 1.0}


def test_conll_tags_entities_drawn_across_white_space_by_their_words_and_counts_them(cli, tmp_path):
    from tests.test_peers_tools import CORPUS

    path = write_jsonl(tmp_path / "corpus.jsonl", [json.dumps(task, ensure_ascii=False) for task in CORPUS])
    assert cli("import", "--no-ner", path).exit_code == 0
    out = tmp_path / "out.conll"
    result = cli("export", out)
    assert result.exit_code == 0, result.output  # no sentence left out for a space at an entity's edge
    assert "entities drawn across white space (a space, line break or NBSP at an edge): trimmed to their words" in (
        result.stdout
    )
    assert "trimmed to their words (one over white space only tags no word): 3" in result.stdout
    tagged = [line.split()[0] for line in out.read_text(encoding="utf-8").splitlines() if line.endswith("B-GPE")]
    assert tagged == ["Kharkiv", "Moscow", "Kyiv", "Riyadh", "Odesa"]


def paragraph(rid: str, label: str, first: int, last: int, offsets: tuple[int, int], quote: str) -> dict:
    value = {"start": str(first), "end": str(last), "startOffset": offsets[0], "endOffset": offsets[1], "text": quote}
    value["paragraphlabels"] = [label]
    return {"id": rid, "from_name": "label", "to_name": "dialogue", "type": "paragraphlabels", "value": value}


def test_paragraph_regions_are_read_with_the_configs_text_key_utf16_offsets_and_across_utterances(store, tmp_path):
    phrases = [
        {"speaker": "Reporter", "phrase": "Will the 🚀 strikes stop?"},
        {"speaker": "Minister", "phrase": "Only if the drones stop first."},
    ]
    result = [
        paragraph("p1", "question", 0, 0, (12, 24), "strikes stop"),  # after the rocket: UTF-16 units
        paragraph("p2", "exchange", 0, 1, (12, 4), "strikes stop?\n\nOnly"),  # across two utterances
    ]
    task = {
        "id": 8,
        "data": {"text": "Summary: a minister on strikes.", "dialogue": phrases},  # a text field too
        "annotations": [{"completed_by": 2, "result": result}],
    }
    report = import_paths(store, [write_json(tmp_path / "dialogue.json", [task])], annotator="me")
    assert report.rejections == []
    (row,) = store.export_rows("ls-2")
    assert row.text == "Will the 🚀 strikes stop?\nOnly if the drones stop first."
    assert sorted((row.text[s:e], label) for s, e, label, _ in row.spans) == [
        ("strikes stop", "question"),
        ("strikes stop?\nOnly", "exchange"),
    ]
    assert row.meta["text"] == "Summary: a minister on strikes."


def test_a_paragraph_region_whose_quote_is_not_there_is_named(store, tmp_path):
    phrases = [{"author": "A", "text": "Talks resumed."}]
    task = {
        "id": 3,
        "data": {"dialogue": phrases},
        "annotations": [{"result": [paragraph("p1", "x", 0, 0, (0, 5), "Truce")]}],
    }
    report = import_paths(store, [write_json(tmp_path / "d.json", [task])], annotator="me")
    assert [r.reason for r in report.rejections] == [
        "task 3: annotation: region p1: utterances 0-0 at 0-5 hold 'Talks'; it quotes 'Truce'"
    ]


def test_html_nested_past_reason_refuses_its_task_by_name_and_quickly(store, tmp_path):
    import time

    deep = "<b>" * 50_000 + "Kyiv" + "</i>" * 50_000  # end tags that close nothing: a search each, bounded
    value = {"globalOffsets": {"start": 0, "end": 4}, "text": "Kyiv", "htmllabels": ["GPE"]}
    result = [{"id": "h1", "from_name": "ner", "to_name": "text", "type": "hypertextlabels", "value": value}]
    task = {"id": 2, "data": {"text": deep}, "annotations": [{"completed_by": 4, "result": result}]}
    began = time.monotonic()
    report = import_paths(store, [write_json(tmp_path / "deep.json", [task])], annotator="me")
    assert time.monotonic() - began < 20
    assert [r.reason for r in report.rejections] == ["task 2: its HTML nests elements deeper than 256"]
    assert store.stats()["articles"] == 0


def test_a_note_on_a_task_that_came_in_is_said_with_its_place_and_the_import_exits_0(cli, db_path, tmp_path):
    """A new user's Label Studio export with one `bi` relation: the note, FILE:LINE, and success."""
    path = write_json(tmp_path / "bi.json", [relation_task("bi")])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0, result.output
    assert f"{path}:2: task 3: 1 relation with direction bi stored as two links, one each way" in result.stderr
    assert "1 note on a record that came in, 0 rejected (see above)" in result.stderr
    assert "imported 1 new article; 2 labels, 0 entities, 2 links from 1 file" in result.stdout
    with Store.open(db_path) as store:
        assert len(link_texts(store, "ls-1")) == 2


def test_the_summary_counts_notes_and_rejections_apart_in_the_right_number(store, tmp_path):
    """The window and the terminal say the same line: a note is not a rejection, one is not "1 notes"."""
    report = import_paths(store, [write_json(tmp_path / "bi.json", [relation_task("bi")])], annotator="me")
    assert not report.refused and report.rejections_line() == "1 note on a record that came in, 0 rejected"
    bad = {"id": 4, "data": {"text": 5}}
    tasks = [relation_task("bi"), {**relation_task("bi"), "id": 5}, bad]
    report = import_paths(store, [write_json(tmp_path / "t.json", tasks)], annotator="me")
    assert report.refused and report.rejections_line() == "2 notes on records that came in, 1 rejected"


def test_a_relation_by_token_index_that_no_span_ends_at_is_refused_alone(cli, db_path, tmp_path):
    """rel.manual's spans give their token_end; a relation's child token 3 ("shelled") ends no span:
    that relation is named and left out, the text, the spans and the other relation come in."""
    text = "Moscow said Kyiv shelled the substation."
    words = [(0, 6), (7, 11), (12, 16), (17, 24), (25, 28), (29, 39), (39, 40)]
    record = {
        "text": text,
        "tokens": [{"text": text[s:e], "start": s, "end": e, "id": i} for i, (s, e) in enumerate(words)],
        "spans": [
            {"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "ACTOR"},
            {"start": 12, "end": 16, "token_start": 2, "token_end": 2, "label": "ACTOR"},
        ],
        "relations": [{"head": 0, "child": 2, "label": "ACCUSES"}, {"head": 2, "child": 3, "label": "HIT"}],
        "answer": "accept",
        "_annotator_id": "ana",
    }
    path = write_jsonl(tmp_path / "rel.jsonl", [json.dumps({"text": "Talks resumed."}), json.dumps(record)])
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0, result.output
    assert (
        f"{path}:2: relation 1 (HIT) not imported: its child is token 3, and no span of the task ends at that token"
        in result.stderr
    )
    assert "1 note on a record that came in, 0 rejected (see above)" in result.stderr
    with Store.open(db_path) as store:
        article_id = next(a for a in store.articles.article_ids() if store.articles.article(a).text == text)
        (row,) = [row for row in store.export_rows("ana") if row.text == text]
        assert [(text[s:e], label) for s, e, label, _ in row.spans] == [("Moscow", "ACTOR"), ("Kyiv", "ACTOR")]
        found = [(text[slice(*k.head)], text[slice(*k.child)], k.label) for k in store.links.links(article_id, "ana")]
        assert found == [("Moscow", "Kyiv", "ACCUSES")]
