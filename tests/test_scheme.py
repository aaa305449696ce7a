from annotator.records import Label
from annotator.scheme import default_labels, project_labels


def test_default_scheme_covers_negotiation_statements_with_keys_and_definitions():
    labels = default_labels()
    names = [label.name for label in labels]
    for wanted in ("condition", "offer", "demand", "denial", "threat", "claim", "commitment"):
        assert wanted in names
    assert [label.key for label in labels] == [str(i) for i in range(1, len(labels) + 1)]
    assert all(label.description and label.color.startswith("#") for label in labels)


def test_a_project_scheme_replaces_the_defaults(store):
    assert project_labels(store) == default_labels()
    store.set_label_scheme([Label("promise", "#000000", "1", "x")])
    assert [label.name for label in project_labels(store)] == ["promise"]
