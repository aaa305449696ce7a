"""What a project labels: statement labels, link types, article categories (and, as they come,
actors and guidelines)."""
