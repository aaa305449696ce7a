"""Corpus search: the query language, hits over the index, the report, label all."""
