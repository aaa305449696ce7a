"""`annotator search`: a user finds statements across the corpus by words, phrases, prefixes, boolean
operators, regular expressions and filters — in any script, with or without diacritics — and a query
they get wrong is explained, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator.search.hits import Search, SearchError
from annotator.store import Store
from tests.conftest import write_jsonl
from tests.test_project_files import needs_read_only_mount, on_read_only_media

ARTICLES = [
    {
        "text": "Kyiv offers a ceasefire on energy infrastructure.\nMoscow said the offer was late. "
        "Negotiators met in Riyadh 🇸🇦 on Tuesday.",
        "meta": {"source": "reuters", "date": "2025-03-02", "tags": ["energy", "talks"]},
    },
    {
        "text": "A ceasefire in Gaza was discussed. The energy minister spoke about infrastructure in Dnipró.",
        "meta": {"source": "tass", "date": "2025-04-10"},
    },
    {
        "text": "Зеленський запропонував припинити удари по енергетичній інфраструктурі. Москва мовчить.",
        "meta": {"source": "ukrinform", "date": "2025-03-20"},
    },
    {
        "text": "Zelenskyy négocie à Genève 😀 avec les Européens. The talks were negotiated overnight.",
        "meta": {"source": "afp", "date": "2024-12-31"},
    },
]


@pytest.fixture
def corpus(cli, tmp_path, db_path):
    src = write_jsonl(tmp_path / "corpus.jsonl", [json.dumps(a, ensure_ascii=False) for a in ARTICLES])
    assert cli("import", "--no-ner", src).exit_code == 0
    return db_path


def search(cli, *query: str, **options) -> dict:
    args = [*query, "--json", *[x for k, v in options.items() for x in (f"--{k}", v)]]
    result = cli("search", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{") :])


def hit_texts(found: dict) -> list[str]:
    return [h["hit"] for h in found["hits"]]


def test_a_word_finds_every_statement_holding_it_with_exact_offsets(cli, corpus):
    found = search(cli, "ceasefire")
    assert (found["statements"], found["articles"]) == (2, 2)
    with Store.open(corpus, readonly=True) as store:
        for hit in found["hits"]:
            text = store.articles.article(hit["article"]).text
            start, end = hit["matches"][0]
            assert text[start:end].lower() == "ceasefire"
            assert hit["left"] == text[max(0, start - len(hit["left"])) : start]
            s, e = hit["statement"]
            assert s <= start < end <= e and "\n" not in text[s:e]


def test_the_first_search_builds_the_index_and_says_so(cli, corpus):
    result = cli("search", "ceasefire")
    assert "indexing 4 articles for search" in result.output
    again = cli("search", "ceasefire")
    assert "indexing" not in again.output


def test_a_phrase_needs_its_words_in_order(cli, corpus):
    found = search(cli, '"energy infrastructure"')
    assert hit_texts(found) == ["energy infrastructure"]
    assert search(cli, '"infrastructure energy"')["statements"] == 0


def test_a_prefix_finds_every_ending(cli, corpus):
    found = search(cli, "negotiat*")
    assert sorted(h.lower() for h in hit_texts(found)) == ["negotiated", "negotiators"]


def test_boolean_operators_apply_per_statement(cli, corpus):
    assert search(cli, "ceasefire", "NOT", "Gaza")["statements"] == 1
    assert search(cli, "ceasefire -Gaza")["statements"] == 1
    assert search(cli, "Riyadh OR Genève")["statements"] == 2
    assert search(cli, "energy AND infrastructure")["statements"] == 2
    assert search(cli, "(Gaza OR Riyadh) ceasefire")["statements"] == 1


def test_diacritics_and_case_are_folded_both_ways(cli, corpus):
    assert hit_texts(search(cli, "dnipro")) == ["Dnipró"]
    assert hit_texts(search(cli, "DNIPRÓ")) == ["Dnipró"]
    assert hit_texts(search(cli, "geneve")) == ["Genève"]
    assert hit_texts(search(cli, "negocie")) == ["négocie"]


def test_non_latin_scripts_are_words_too(cli, corpus):
    found = search(cli, "інфраструктурі")
    assert hit_texts(found) == ["інфраструктурі"]
    assert hit_texts(search(cli, "зеленськ*")) == ["Зеленський"]
    assert search(cli, "москва")["statements"] == 1  # Cyrillic case folded


def test_a_regular_expression_filters_statements_and_marks_its_matches(cli, corpus):
    assert hit_texts(search(cli, 're:"negotiat(ed|ors)"')) == ["negotiated"]  # case-sensitive, as regexes are
    found = search(cli, 're:"(?i)negotiat(ed|ors)"')
    assert sorted(hit_texts(found)) == ["Negotiators", "negotiated"]
    with_words = search(cli, 'talks re:"over\\w+"')
    assert with_words["statements"] == 1 and "overnight" in [
        with_words["hits"][0]["hit"],
        *[ARTICLES[3]["text"][s:e] for s, e in with_words["hits"][0]["matches"]],
    ]
    whole = search(cli, "--regex", "(?i)ceasefire in \\w+")
    assert hit_texts(whole) == ["ceasefire in Gaza"]


def test_metadata_filters_narrow_the_search(cli, corpus):
    assert search(cli, "ceasefire meta.source:TASS")["articles"] == 1
    assert search(cli, "energy meta.date:2025-03")["articles"] == 0  # a value, not a prefix
    assert search(cli, "energy meta.date:2025-03-01..2025-03-31")["articles"] == 1
    assert search(cli, "energy meta.date:..2025-03")["articles"] == 1
    assert search(cli, "energy meta.date:>=2025-04-01")["articles"] == 1
    assert search(cli, "energy meta.tags:talks")["articles"] == 1


def test_filters_alone_list_what_they_select(cli, corpus):
    found = search(cli, "meta.source:afp")
    assert found["statements"] == 2 and {h["article"] for h in found["hits"]} == {4}


def test_label_status_and_annotator_filters(cli, corpus, tmp_path):
    with Store.open(corpus) as store:
        text = store.articles.article(2).text
        start = text.index("The energy")
        store.statements.set_statement(2, "anna", start, len(text), ["offer"])
        store.articles.set_status(1, "tester", "done")
    assert search(cli, "energy label:offer")["articles"] == 1
    assert search(cli, "energy -label:offer")["statements"] == 1
    assert search(cli, "energy annotator:anna")["articles"] == 1
    assert search(cli, "energy annotator:ben")["statements"] == 0
    assert [h["article"] for h in search(cli, "energy status:done")["hits"]] == [1]
    assert search(cli, "label:offer")["hits"][0]["hit"].startswith("The energy minister")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("NOT Gaza", "NOT needs words before it"),
        ('"energy infrastructure', "quote is not closed"),
        ("(ceasefire OR truce", "parenthesis is not closed"),
        ("ceasefire OR", "ends where words were expected"),
        ("foo:bar", "unknown filter foo:"),
        ("status:finished", "not a status"),
        ("re:(unclosed", "not valid"),
        ("???", "no letters or digits"),
        ("*", "* alone finds nothing: * ends a prefix"),
        ("**", "** alone finds nothing"),
        ("(label:offer ceasefire)", "outside parentheses"),
    ],
)
def test_a_bad_query_is_explained_without_a_traceback(cli, corpus, query, message):
    result = cli("search", query)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_user_text_never_reaches_fts5_as_syntax(cli, corpus):
    for query in ['"a" NEAR(b c)', "ceasefire^", "col:x", "'quoted'", "x AND", "{a b}"]:
        result = cli("search", query)
        assert "Traceback" not in result.output and result.exit_code in (0, 1), query


def test_the_text_output_is_keyword_in_context(cli, corpus):
    result = cli("search", "infrastructure", "--limit", "1")
    lines = result.output.strip().splitlines()
    assert lines[-2].startswith("2 statements in 2 articles match: infrastructure (showing the first 1")
    assert "[infrastructure]" in lines[-1] and "(article 1," in lines[-1]


def test_new_articles_and_the_pipelines_sentences_reach_the_index(cli, corpus, tmp_path, pipeline):
    assert search(cli, "Tbilisi")["statements"] == 0
    more = write_jsonl(tmp_path / "more.jsonl", [json.dumps({"text": "Talks in Tbilisi. A second sentence."})])
    assert cli("import", "--no-ner", more).exit_code == 0
    assert search(cli, "Tbilisi")["statements"] == 1
    with Store.open(corpus) as store:
        from annotator.nlp.pipeline import preannotate

        preannotate(store, pipeline, processes=1)
        assert store.search.search_index_pending() == 5  # every article is indexed again on its sentences
        store.search.update_search_index()
        found = Search(store, "Tbilisi", annotator="tester").page().hits
        assert [(h.start, h.end) for h in found] == store.articles.sentences(found[0].article_id)[:1]


@needs_read_only_mount
def test_search_on_read_only_media_answers_and_says_what_it_could_not_index(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    project = media / "p.annotator.sqlite"
    src = write_jsonl(tmp_path / "c.jsonl", [json.dumps(a, ensure_ascii=False) for a in ARTICLES])
    cli = [sys.executable, "-m", "annotator", "--db", project]
    assert subprocess.run([*cli, "import", "--no-ner", src], capture_output=True).returncode == 0
    never_indexed = on_read_only_media(media, *cli, "search", "energy", "--json")
    assert never_indexed.returncode == 0 and "Traceback" not in never_indexed.stderr
    found = json.loads(never_indexed.stdout)
    assert (found["statements"], found["articles"], found["complete"]) == (2, 2, True)  # every article searched
    assert "indexing a temporary copy" in never_indexed.stderr
    regex = on_read_only_media(media, *cli, "search", 're:"offer"')
    assert "2 statements in 1 article " in regex.stdout
    assert sorted(p.name for p in media.iterdir()) == ["p.annotator.sqlite"]  # nothing written beside it
    subprocess.run([*cli, "search", "energy"], capture_output=True, check=True)  # indexed where it can be written
    after = on_read_only_media(media, *cli, "search", "energy")
    assert after.returncode == 0 and "2 statements in 2 articles" in after.stdout
    assert "temporary copy" not in after.stderr


def test_a_search_that_left_articles_out_never_says_it_is_complete(store):
    from annotator.records import IncomingRecord

    store.add_records([IncomingRecord("Talks began. Talks ended.", "T", "x", 1)], "me")
    store.search.update_search_index()
    store.add_records([IncomingRecord("More talks.", "U", "x", 2)], "me")  # not indexed yet
    count = Search(store, "talks", annotator="me").count()
    assert (count.statements, count.complete) == (2, False)


@pytest.mark.parametrize("query", ['re:"(a|aa)+$"', 're:"(a+)+$"', 're:"(a|a)+$"'])
def test_a_catastrophic_regular_expression_is_stopped_and_explained(store, query):
    from annotator.records import IncomingRecord

    store.add_records([IncomingRecord("a" * 60 + "! Redos line.", "T", "x", 1)], "me")
    store.search.update_search_index()
    search_ = Search(store, query, annotator="me", regex_seconds=0.3)
    try:  # either it is fast (the regex module sees through it) or it stops in time and says why
        assert search_.page().hits == [] and search_.count().statements == 0
    except SearchError as exc:
        assert "took more than 0.3 s on one statement (article 1, 0–61)" in str(exc)
        assert "simplify it" in str(exc)


def test_the_cli_stops_a_catastrophic_regular_expression_with_a_message(cli, corpus, tmp_path):
    src = write_jsonl(tmp_path / "redos.jsonl", [json.dumps({"text": "a" * 60 + "! Redos line."})])
    assert cli("import", "--no-ner", src).exit_code == 0
    import annotator.search.hits

    annotator.search.hits.REGEX_SECONDS, before = 0.3, annotator.search.hits.REGEX_SECONDS
    try:
        result = cli("search", 're:"(a|aa)+$"')
    finally:
        annotator.search.hits.REGEX_SECONDS = before
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the regular expression took more than 0.3 s on one statement" in result.output


def test_the_search_api_pages_in_reading_order(store):
    from annotator.records import IncomingRecord

    store.add_records([IncomingRecord(f"Talks {i}. More talks {i}.", f"T{i}", "x", i) for i in range(30)], "me")
    store.search.update_search_index()
    search_ = Search(store, "talks", annotator="me")
    first = search_.page(limit=25)
    second = search_.page(after=first.next_after, limit=50)
    everything = [(h.article_id, h.start) for h in first.hits + second.hits]
    assert len(everything) == 60 == len(set(everything)) and everything == sorted(everything)
    assert [h.unit_id for h in search_.hits()] == [h.unit_id for h in first.hits + second.hits]
    with pytest.raises(SearchError):
        Search(store, "NOT talks", annotator="me")


def test_scripts_without_spaces_are_found_by_prefix(store):
    from annotator.records import IncomingRecord

    store.add_records([IncomingRecord("北京大学的学生在讨论停火。", "t", "x", 1)], "me")
    store.search.update_search_index()
    assert Search(store, "北京", annotator="me").count().statements == 0  # a run is one token
    assert [h.hit for h in Search(store, "北京*", annotator="me").hits()] == ["北京大学的学生在讨论停火"]
    assert [h.hit for h in Search(store, 're:"停火"', annotator="me").hits()] == ["停火"]


def test_search_needs_neither_spacy_nor_qt(tmp_path):
    Store.create(tmp_path / "p.sqlite").close()
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        "try:\n"
        f"    main({['--db', str(tmp_path / 'p.sqlite'), 'search', 'ceasefire', '--label', 'offer']!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY', [m for m in ('spacy', 'thinc', 'PySide6') if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in done.stderr


def test_indexing_reports_progress_and_stops_between_batches_keeping_what_is_done(store):
    from annotator.records import IncomingRecord

    store.add_records([IncomingRecord(f"Talks number {i}.", f"T{i}", "x", i) for i in range(25)], "me")
    steps: list[int] = []
    assert store.search.update_search_index(progress=steps.append, should_stop=lambda: True, batch=10) == 10
    assert steps == [10] and store.search.search_index_pending() == 15
    assert Search(store, "talks", annotator="me").notes() == [
        "15 articles are not in the search index yet; their statements are not searched"
    ]
    assert store.search.update_search_index(progress=steps.append, batch=10) == 15 and steps == [10, 10, 5]
    assert Search(store, "talks", annotator="me").count().statements == 25
    with Store.open(store.path) as other:  # a second process catching up finds nothing left to do
        assert other.search.update_search_index() == 0


def test_a_search_of_a_read_only_project_says_it_indexes_a_copy_each_time(cli, tmp_path, db_path, monkeypatch):
    """The temporary copy's index is thrown away: the search must not promise "once"."""
    from annotator.cli import search as search_cli

    src = write_jsonl(tmp_path / "c.jsonl", [json.dumps(a, ensure_ascii=False) for a in ARTICLES])
    assert cli("import", "--no-ner", src).exit_code == 0
    monkeypatch.setattr(search_cli, "read_only_reason", lambda path: "a read-only medium")
    for _ in range(2):
        done = cli("search", "energy")
        assert done.exit_code == 0 and "2 statements in 2 articles" in done.output
        assert "indexing a temporary copy" in done.output and "every search indexes again" in done.output
        assert "(once;" not in done.output


LONG_WORD = "a" * 100_000


@pytest.mark.parametrize(
    "query",
    [LONG_WORD, f"{LONG_WORD}*", f'"{LONG_WORD}', f"status:{LONG_WORD}", f"meta.{LONG_WORD}:..", f"{LONG_WORD}:"],
)
def test_a_query_of_one_huge_word_is_echoed_shortened_with_an_ellipsis(cli, corpus, query):
    """Found in a tryout: a one-word query of 100,000 characters came back whole in the message,
    a screenful of one word. Echoed queries (and pieces of them, in errors) are cut with "…"."""
    result = cli("search", query)
    assert len(result.output) < 400, result.output[:400]
    assert "a" * 50 + "…" in result.output
    assert "a" * 61 not in result.output


def test_the_json_still_gives_the_whole_query(cli, corpus):
    assert search(cli, LONG_WORD)["query"] == LONG_WORD
