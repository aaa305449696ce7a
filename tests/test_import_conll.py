"""Older corpora in CoNLL-2003, IOB, IOB2, BILOU or BIOES come in as articles whose entities
are the people's tags, split the way `spacy convert` splits them, and go back out as CoNLL
with the same tokens, documents and entities."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from annotator.formats.conll import ConllDocument, conll_document, conll_lines, read_conll, tags_to_entities
from annotator.records import USER, Entity, IncomingRecord, Rejection
from annotator.store import Store

CONLL_2003 = """-DOCSTART- -X- O O

Ukraine NNP B-NP B-GPE
proposed VBD B-VP O
a DT B-NP O
truce NN I-NP O
. . O O

Vladimir NNP B-NP B-PER
Putin NNP I-NP I-PER
rejected VBD B-VP O
it PRP B-NP O
. . O O

-DOCSTART- -X- O O

Talks NNS B-NP O
resume VBP B-VP O
in IN B-PP O
Geneva NNP B-NP B-LOC
. . O O
"""


def write(path: Path, content: str, newline: str = "\n") -> Path:
    path.write_bytes(content.replace("\n", newline).encode("utf-8"))
    return path


def articles(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """(text, [(entity text, label)]) of each article read, and no rejection."""
    found = []
    for item in read_conll(path):
        assert isinstance(item, IncomingRecord), str(item)
        assert all(e.source == USER for e in item.entities)
        found.append((item.text, [(item.text[e.start : e.end], e.label) for e in item.entities]))
    return found


def test_conll_2003_documents_become_articles_and_docstart_is_never_one(cli, db_path, tmp_path):
    path = write(tmp_path / "news.conll", CONLL_2003)
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 0, result.output
    assert "imported 2 new articles; 0 labels, 3 entities" in result.stdout
    with Store.open(db_path) as store:
        rows = list(store.export_rows())
    assert [row.text for row in rows] == [
        "Ukraine proposed a truce .\nVladimir Putin rejected it .",
        "Talks resume in Geneva .",
    ]
    assert [[(r.text[s:e], label, source) for s, e, label, source in r.entities] for r in rows] == [
        [("Ukraine", "GPE", "user"), ("Vladimir Putin", "PER", "user")],
        [("Geneva", "LOC", "user")],
    ]
    assert rows[1].meta == {"file": "news.conll", "document": 2}


def test_crlf_a_bom_and_tabs_read_alike(tmp_path):
    tsv = "\ufeff" + CONLL_2003.replace(" NNP B-NP ", "\t").replace(" ", "\t")
    assert articles(write(tmp_path / "news.tsv", tsv, "\r\n")) == articles(write(tmp_path / "news.conll", CONLL_2003))


def test_bilou_bioes_iob_and_lenient_iob2_read_as_spacy_reads_them(tmp_path):
    bilou = "The\tO\nEuropean\tB-ORG\nUnion\tL-ORG\nbacked\tO\nKyiv\tU-GPE\n.\tO\n"
    bioes = bilou.replace("L-ORG", "E-ORG").replace("U-GPE", "S-GPE")
    iob1 = "The O\nEuropean I-ORG\nUnion I-ORG\nbacked O\nKyiv I-GPE\n. O\n"  # IOB: I- may start an entity
    expected = [("The European Union backed Kyiv .", [("European Union", "ORG"), ("Kyiv", "GPE")])]
    for name, content in [("a.tsv", bilou), ("b.tsv", bioes), ("c.iob", iob1)]:
        assert articles(write(tmp_path / name, content)) == expected, name


def test_spacy_s_one_sentence_per_line_iob_is_read(tmp_path):
    path = write(tmp_path / "news.iob", "Kyiv|B-GPE said|O the|O Kremlin|B-ORG lied|O\nNew|NNP|B-GPE York|NNP|I-GPE\n")
    entities = [("Kyiv", "GPE"), ("Kremlin", "ORG"), ("New York", "GPE")]
    assert articles(path) == [("Kyiv said the Kremlin lied\nNew York", entities)]


def test_a_bad_line_leaves_out_its_document_and_says_where(cli, db_path, tmp_path):
    broken = CONLL_2003.replace("rejected VBD B-VP O", "rejected VBD B-VP OUT").replace("truce NN I-NP O", "truce")
    path = write(tmp_path / "news.conll", broken)
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{path}:6: expected a token and its tag, found only 'truce'; the document (from line 2) was not imported"
    )
    with Store.open(db_path) as store:
        assert [store.articles.article(i).text for i in store.articles.article_ids()] == ["Talks resume in Geneva ."]


def test_a_tag_whose_label_no_name_may_be_leaves_out_its_document_by_the_tokens_line(cli, db_path, tmp_path):
    """A tag's label becomes an entity label: an ESC (a terminal would turn the rest red), a bidi
    override, a zero-width space or 10,000 characters is refused as a JSONL label is, FILE:LINE:
    reason at the token's line, and its document is left out while the others come in."""
    docs = ["Kyiv _ _ B-G\x1b[31mPE", "Kyiv _ _ B-GP\u202eE", "Lviv _ _ B-LO\u200bC", "Kyiv _ _ B-" + "X" * 10_000]
    content = "".join(f"-DOCSTART- -X- O O\n\n{line}\nvotes _ _ O\n\n" for line in docs)
    path = write(tmp_path / "bad.conll", content + "-DOCSTART- -X- O O\n\nGeneva _ _ B-LOC\nvotes _ _ O\n")
    result = cli("import", "--no-ner", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:4] == [
        f"{path}:3: the tag's label 'G\\x1b[31mPE' holds a line break or control character (U+001B); "
        "the document (from line 2) was not imported",
        f"{path}:8: the tag's label 'GP\\u202eE' holds a bidi control character (U+202E) that reorders how it "
        "reads; the document (from line 7) was not imported",
        f"{path}:13: the tag's label 'LO\\u200bC' holds an invisible character (U+200B ZERO WIDTH SPACE); "
        "the document (from line 12) was not imported",
        f"{path}:18: the tag's label is 10,000 characters long; a name has at most 200; "
        "the document (from line 17) was not imported",
    ]
    with Store.open(db_path) as store:
        rows = list(store.export_rows())
    assert [[(r.text[s:e], label) for s, e, label, _ in r.entities] for r in rows] == [[("Geneva", "LOC")]]
    assert "X" * 201 not in cli("stats").output


def test_comment_lines_are_skipped(tmp_path):
    path = write(tmp_path / "multiconer.conll", "# id 5f2 domain=en\nKyiv _ _ B-LOC\nvotes _ _ O\n# O\n")
    assert articles(path) == [("Kyiv votes #", [("Kyiv", "LOC")])]


def test_a_file_that_is_not_conll_is_named(tmp_path):
    path = write(tmp_path / "table.tsv", "id\ttext\tlabel\n1\tKyiv votes\tpolitics\n")
    (rejection,) = list(read_conll(path))
    assert isinstance(rejection, Rejection) and rejection.line == 1
    assert "tag 'label' is not O or B-, I-, L-, U-, E-, S- and a label" in rejection.reason


TAGS = st.lists(st.sampled_from(["O", "B-PER", "I-PER", "L-PER", "U-PER", "B-LOC", "I-LOC", "L-LOC", "U-LOC"]))


def test_tags_make_the_entities_spacy_makes():
    from spacy.training import iob_to_biluo
    from spacy.training import tags_to_entities as spacy_tags_to_entities

    @given(TAGS)
    def same(tags):
        assert tags_to_entities(tags) == spacy_tags_to_entities(iob_to_biluo(tags))

    same()


# -- back to CoNLL -------------------------------------------------------------------------


def conll_of(db_path, scheme: str = "IOB2") -> str:
    """The project's entities written as CoNLL, one document per article."""
    with Store.open(db_path) as store:
        docs: list[ConllDocument] = []
        for row in store.export_rows():
            tokens = row.tokens
            pairs = list(zip(tokens[::2], tokens[1::2], strict=True)) if tokens else None
            docs.append(conll_document(row.text, [Entity(*e) for e in row.entities], pairs, scheme=scheme))
    assert all(not doc.left_out for doc in docs)
    return "".join(line + "\n" for line in conll_lines(docs))


def token_tags(content: str) -> list[list[tuple[str, str]]]:
    """Each document's (token, tag) pairs: what a CoNLL file says, whatever its columns."""
    docs: list[list[tuple[str, str]]] = []
    for line in content.splitlines():
        fields = line.split()
        if fields and fields[0] == "-DOCSTART-":
            docs.append([])
        elif fields:
            docs[-1].append((fields[0], fields[-1]))
    return docs


def test_conll_goes_back_out_with_the_same_documents_tokens_and_tags(cli, db_path, tmp_path):
    cli("import", "--no-ner", write(tmp_path / "news.conll", CONLL_2003))
    ours = conll_of(db_path)
    assert token_tags(ours) == token_tags(CONLL_2003)
    assert ours.startswith("-DOCSTART- -X- O O\n\nUkraine _ _ B-GPE\n")  # spacy convert's own delimiter
    assert "\n\nVladimir _ _ B-PER\n" in ours  # sentences stay apart


def test_bilou_goes_back_out_as_bilou(cli, db_path, tmp_path):
    bilou = "-DOCSTART- -X- O O\n\nThe O\nEuropean B-ORG\nCentral I-ORG\nBank L-ORG\nbacked O\nKyiv U-GPE\n. O\n"
    cli("import", "--no-ner", write(tmp_path / "ecb.conll", bilou))
    assert token_tags(conll_of(db_path, "BILOU")) == token_tags(bilou)


def test_spacy_tokens_carry_the_tags_and_entities_off_them_are_named():
    import spacy

    text = "Zelensky's offer reached Moscow.\nThe Kremlin said no."
    tokens = [(t.idx, t.idx + len(t)) for t in spacy.blank("en")(text)]  # "\n" is a token of its own
    kremlin = text.index("Kremlin")
    entities = [Entity(0, 8, "PER"), Entity(25, 31, "GPE"), Entity(kremlin, kremlin + 7, "ORG"), Entity(2, 8, "PER")]
    doc = conll_document(text, entities, tokens)
    assert doc.sentences == [
        [("Zelensky", "B-PER"), ("'s", "O"), ("offer", "O"), ("reached", "O"), ("Moscow", "B-GPE"), (".", "O")],
        [("The", "O"), ("Kremlin", "B-ORG"), ("said", "O"), ("no", "O"), (".", "O")],
    ]
    assert doc.left_out == [(Entity(2, 8, "PER"), "not on token boundaries")]


def test_spacy_convert_reads_what_is_written_with_the_same_documents_and_entities(cli, db_path, tmp_path):
    """Label Studio's CoNLL needs its first line edited by hand before `spacy convert` sees the documents."""
    from spacy.training.converters import conll_ner_to_docs

    cli("import", "--no-ner", write(tmp_path / "news.conll", CONLL_2003))
    docs = list(conll_ner_to_docs(conll_of(db_path), no_print=True))
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("Ukraine", "GPE"), ("Vladimir Putin", "PER")],
        [("Geneva", "LOC")],
    ]
    assert [len(list(doc.sents)) for doc in docs] == [2, 1]
