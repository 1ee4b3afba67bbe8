"""What both modes share: the vocabulary of a page, whatever its form.

- `detectors`: the named boilerplate detectors (share, donation, bio, ticker...);
- `dates`, `lexicons`, `phrases`: written dates, word lists per language, phrase rules;
- `modelfile`: the shipped models' files (numpy MLPs, no pickle) and their feature schemas.

Nothing here imports `cleaner.html` or `cleaner.text`.
"""
