"""Reading an article: the text view, its highlights and legend, the article list and its filters, paging."""
