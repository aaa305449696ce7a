"""Import: the loop that reads files into the project (run) and random sampling."""
