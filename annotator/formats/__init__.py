"""Importers and exporters, one module per format. None of them imports spaCy or Qt at load time."""
