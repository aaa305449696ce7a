"""Guidelines and calibration: the team's shared reading of each label.

`document` reads a Markdown file at the door (bounded, UTF-8, normalized) and finds the section
of each label by its heading; `versions` loads it into the project and compares versions;
`against_gold` scores each annotator against gold; `calibration` draws a calibration set from gold
and reports a trainee's differences; `card` writes the data card beside a training export.
No Qt and no spaCy here.
"""
