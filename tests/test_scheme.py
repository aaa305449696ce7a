from annotator.records import IncomingRecord, Label, Span
from annotator.schemes.labels import default_labels, project_labels


def test_default_scheme_covers_negotiation_statements_with_keys_and_definitions():
    labels = default_labels()
    names = [label.name for label in labels]
    for wanted in ("condition", "offer", "demand", "denial", "threat", "claim", "commitment"):
        assert wanted in names
    assert [label.key for label in labels] == [str(i) for i in range(1, len(labels) + 1)]
    assert all(label.description and label.color.startswith("#") for label in labels)


def test_a_project_scheme_replaces_the_defaults(store):
    assert project_labels(store) == default_labels()
    store.schemes.set_label_scheme([Label("promise", "#000000", "1", "x")])
    assert [label.name for label in project_labels(store)] == ["promise"]


def test_labels_from_another_tools_file_join_the_list_with_the_next_keys(store):
    store.add_records(
        [
            IncomingRecord(
                "Kyiv proposed a pause.", "a", "a.jsonl", 1, spans=[Span(0, 22, "proposal"), Span(0, 4, "offer")]
            ),
            IncomingRecord("Moscow said no.", "b", "b.jsonl", 1, spans=[Span(0, 15, "rejection")], annotator="ben"),
        ],
        "anna",
    )
    labels = project_labels(store)
    assert [label.name for label in labels] == [*(label.name for label in default_labels()), "proposal", "rejection"]
    proposal, rejection = labels[-2:]
    assert (proposal.key, rejection.key) == ("8", "9")
    colours = {label.color for label in default_labels()}
    assert proposal.color not in colours and rejection.color not in colours and proposal.color != rejection.color
    assert "not in its scheme" in proposal.description


def test_a_label_found_in_the_data_takes_no_key_beyond_nine(store):
    store.schemes.set_label_scheme([Label(f"l{i}", "#000000", str(i)) for i in range(1, 10)])
    store.add_records(
        [IncomingRecord("Kyiv proposed a pause.", "a", "a.jsonl", 1, spans=[Span(0, 22, "proposal")])], "anna"
    )
    assert project_labels(store)[-1].name == "proposal" and project_labels(store)[-1].key == ""
