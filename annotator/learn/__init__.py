"""The model in the loop: a statement classifier trained on the project, suggestions, what to ask next.

- `examples`: the training examples, by the export rule (the textcat export's records), and
  a seeded, stratified held-out split. No spaCy.
- `training`: a spaCy `textcat_multilabel` fitted with progress and cancel hooks, scored by
  spaCy's scorer; the architecture chosen by measurement. spaCy.
- `project`: `train_project`, what `annotator train` and Tools ▸ Train run: examples, split,
  training, the report, the model kept (`models`) and written (`--output`).
- `models`: where a project's models live (the user's data folder, keyed like its backups).
- `rules`: keyword and phrase patterns per label (spaCy Matcher/PhraseMatcher JSONL), kept
  in the project, with defaults for this domain.
- `suggest`: `Suggester`, label suggestions from the latest model and the rules.
- `uncertainty`: undecided statements, the model's uncertainty, "next uncertain statement",
  "most uncertain first", "next unlabeled statement". No spaCy.

Importing this package imports nothing heavy; `training` and `suggest` import spaCy.
"""
