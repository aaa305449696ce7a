"""Links from a statement to its speaker, target and condition: drawing, the panel, hints, suggestions."""
