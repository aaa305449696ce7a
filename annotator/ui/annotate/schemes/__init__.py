"""Editing what a project labels: label, link-type and category schemes."""
