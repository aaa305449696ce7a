"""Corpus search inside the window: the search box, the dock, the hit list, label all."""
