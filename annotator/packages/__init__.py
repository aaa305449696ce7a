"""Work packages: a corpus split among annotators with overlap, sent out as project files and
brought back by the import of project files (`assign` is the pure split, `make` writes packages,
`progress` says who is where)."""
