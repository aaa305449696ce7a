"""Labelling statements and articles: the label bar, category chips, the model's and the rules' suggestions."""
