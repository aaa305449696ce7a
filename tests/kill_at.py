"""Child process for fault injection: run an `annotator` command and kill -9 itself at an exact
moment, the N-th file operation of one kind whose arguments name a given path part.

    python -m tests.kill_at EVENT PART N DELAY_MS -- ANNOTATOR ARGS...

EVENT is a Python audit event (`sqlite3.connect`, `os.rename` — `os.replace` raises it too —,
`os.link`, `os.remove`…). With DELAY_MS > 0 the kill comes that long after the event, in the
middle of what follows it (SQLite copying pages, which raises no event). SIGKILL is what a
crash, the OOM killer or a power cut does: no `finally`, no `atexit`, no flush.
"""

from __future__ import annotations

import os
import signal
import sys
import threading


def main() -> None:
    event, part, n, delay_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    args = sys.argv[sys.argv.index("--") + 1 :]
    seen = 0

    def kill() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def hook(name: str, hook_args: tuple) -> None:
        nonlocal seen
        if name == event and any(part in str(arg) for arg in hook_args):
            seen += 1
            if seen == n and delay_ms:
                threading.Timer(delay_ms / 1000, kill).start()
            elif seen == n:
                kill()

    sys.addaudithook(hook)
    from annotator.cli import main as cli

    cli(args, prog_name="annotator")


if __name__ == "__main__":
    main()
