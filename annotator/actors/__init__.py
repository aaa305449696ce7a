"""Who is who: the project's actors, read from and written to files (`registry`), seeded from its
entities, and link ends resolved to them (`resolve`). The SQL is `annotator.store.actors`."""
