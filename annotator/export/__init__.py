"""Export: the loop and destination checks (run), which layer and articles (rule), the category rule."""
