"""Entry point of the packaged app: the same command line as `annotator` in a virtualenv."""

import multiprocessing

from annotator.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless a child process is started (Windows, macOS)
    main(prog_name="annotator")
