"""The article list: paged queries in the store and the lazy model over them."""

from PySide6.QtCore import QModelIndex, QSettings

from annotator.records import IncomingRecord, Label
from annotator.store import Store
from annotator.store.articles import ArticleFilter
from annotator.ui.annotate.reader.article_list import PAGE, ArticleModel
from annotator.ui.annotate.session import Session


def fill(store: Store, n: int) -> None:
    store.add_records(
        [IncomingRecord(f"Article {i} about {'Kyiv' if i % 3 else 'Odesa'}.", f"t{i}", "s", i) for i in range(n)], "x"
    )


def test_pages_filters_and_progress(store):
    fill(store, 450)
    first = store.articles.article_page("anna", limit=PAGE)
    assert [r.id for r in first] == list(range(1, PAGE + 1))
    assert store.articles.article_page("anna", after_id=first[-1].id, limit=PAGE)[0].id == PAGE + 1
    store.statements.toggle_label(5, "anna", 0, 7, "offer")
    store.articles.set_status(6, "anna", "done")
    assert store.articles.article_row(5, "anna").labels == 1
    assert [r.id for r in store.articles.article_page("anna", ArticleFilter(label="offer"))] == [5]
    assert [r.id for r in store.articles.article_page("anna", ArticleFilter(status="done"))] == [6]
    assert [r.id for r in store.articles.article_page("anna", ArticleFilter(status="in_progress"))] == [5]
    assert len(store.articles.article_page("anna", ArticleFilter(status="new"), limit=1000)) == 448
    assert len(store.articles.article_page("anna", ArticleFilter(text="odesa"), limit=1000)) == 150
    assert store.articles.article_page("anna", ArticleFilter(text="100%")) == []
    assert store.articles.progress("anna") == (1, 450)
    assert store.articles.next_unfinished(5, "anna") == 7
    assert store.articles.neighbour_article(5, "anna", -1) == 4


def test_renaming_a_label_carries_existing_labels_over(store):
    fill(store, 2)
    store.statements.toggle_label(1, "anna", 0, 7, "offer")
    store.statements.toggle_label(2, "ben", 0, 7, "offer")
    store.statements.toggle_label(2, "ben", 0, 7, "proposal")
    moved = store.schemes.update_label_scheme([Label("proposal", "#15803d", "2")], {"offer": "proposal"})
    assert moved == 1  # ben had both: one copy stays
    assert store.statements.statement_state(1, "anna", 0, 7)[0] == ("proposal",)
    assert store.statements.statement_state(2, "ben", 0, 7)[0] == ("proposal",)
    assert [label.name for label in store.schemes.label_scheme()] == ["proposal"]


def test_the_model_loads_a_page_at_a_time(store, qtmodeltester):
    fill(store, 450)
    model = ArticleModel(Session(store, "anna"))
    model.reset()
    assert model.rowCount() == PAGE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    assert model.row_for(449) == 448
    qtmodeltester.check(model)


def test_window_settings_do_not_leak(tmp_path):
    assert str(tmp_path) in QSettings().fileName()
