"""Annotator against Label Studio (issue 29), in CPU: run only when named.

    LABEL_STUDIO=/path/to/label-studio python -m benchmarks --suite label_studio

The records are the floor suite's (`benchmarks.floor.make_corpus`: text, meta, 5 labeled spans
each), written twice: as Annotator reads them (Prodigy-style JSONL) and as Label Studio tasks
with one annotation each (a `labels` result per span, against a labeling config with the 5 labels).

Label Studio runs offline in a temporary data folder (SQLite, its Community edition, which
imports in the request): a project with the labeling config, the tasks POSTed to
`/api/projects/{id}/import` in one request, then `GET /api/projects/{id}/export?exportType=JSON`.
Its CPU is the user + system time of the server process and all its children, read from
/proc/PID/stat before and after each request. Annotator's is the user + system time of
`annotator import` into a new project and of `annotator export --format jsonl`, each a child
process, the least of 3. The ratio is how many times more CPU Label Studio spends; the goal is 50.

Without `LABEL_STUDIO` the suite returns one row saying how to install it.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks import Result
from benchmarks.floor import LABELS, annotator_command, make_corpus

SUITE = "label_studio"
VERSION = "1.23.2"
TARGET = 50.0
TOKEN = "annotator-bench-token-0123456789"

LABEL_CONFIG = (
    '<View><Labels name="label" toName="text">'
    + "".join(f'<Label value="{label}"/>' for label in LABELS)
    + '</Labels><Text name="text" value="$text"/></View>'
)

HOW_TO = (
    f"Label Studio not found: install it in a venv of its own (python3 -m venv ls-venv && "
    f"ls-venv/bin/pip install label-studio=={VERSION}) and set LABEL_STUDIO=ls-venv/bin/label-studio"
)


def write_tasks(corpus: Path, out: Path) -> None:
    """The corpus's records as Label Studio tasks, one annotation each."""
    tasks = []
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            text = rec["text"]
            result = [
                {
                    "id": f"s{k}",
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "value": {
                        "start": s["start"],
                        "end": s["end"],
                        "text": text[s["start"] : s["end"]],
                        "labels": [s["label"]],
                    },
                }
                for k, s in enumerate(rec["spans"])
            ]
            tasks.append({"data": {"text": text, "meta": rec["meta"]}, "annotations": [{"result": result}]})
    out.write_text(json.dumps(tasks), encoding="utf-8")


def _ticks(pid: int) -> int:
    """utime + stime + cutime + cstime of `pid` (clock ticks), 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2 :].split()  # from field 3 (state) on
    return sum(int(x) for x in fields[11:15])  # fields 14-17


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids.extend(int(x) for x in (task / "children").read_text().split())
    return kids


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + sys) of `pid` and every live descendant, with the children they waited for."""
    ticks, todo = 0, [pid]
    while todo:
        p = todo.pop()
        ticks += _ticks(p)
        todo.extend(_children(p))
    return ticks / os.sysconf("SC_CLK_TCK")


class LabelStudio:
    """A Label Studio server in a temporary data folder, driven through its HTTP API."""

    def __init__(self, exe: str, workdir: Path) -> None:
        self.exe = exe
        self.data = Path(tempfile.mkdtemp(prefix="ls-data-", dir=workdir))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (self.data / "server.log").open("wb")
        env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data),
            "LABEL_STUDIO_USERNAME": "bench@localhost",
            "LABEL_STUDIO_PASSWORD": "bench-password",
            "LABEL_STUDIO_USER_TOKEN": TOKEN,
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            "DJANGO_DB": "sqlite",
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "COLLECT_ANALYTICS": "false",
            "LOG_LEVEL": "WARNING",
        }
        self.proc = subprocess.Popen(
            [
                exe,
                "start",
                "--no-browser",
                "--internal-host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data),
                "--enable-legacy-api-token",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def request(self, method: str, path: str, body: bytes | None = None, timeout: float = 3600) -> bytes:
        req = urllib.request.Request(self.url + path, data=body, method=method)
        req.add_header("Authorization", f"Token {TOKEN}")
        if body is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()

    def wait_up(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Label Studio stopped: {self.tail()}")
            try:
                self.request("GET", "/api/projects", timeout=10)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(1)
        raise RuntimeError(f"Label Studio did not answer in {timeout:.0f} s: {self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return (self.data / "server.log").read_text(errors="replace")[-2000:]

    def version(self) -> str:
        return json.loads(self.request("GET", "/api/version")).get("release", "?")

    def cpu(self) -> float:
        return tree_cpu(self.proc.pid)

    def task_count(self, project: int) -> int:
        info = json.loads(self.request("GET", f"/api/projects/{project}"))
        return int(info.get("task_number") or 0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


def measure_label_studio(exe: str, workdir: Path, tasks: Path, n: int) -> tuple[float, float, float, str]:
    """Label Studio's CPU (import, export), the import's wall seconds and its version."""
    ls = LabelStudio(exe, workdir)
    try:
        ls.wait_up()
        version = ls.version()
        body = json.dumps({"title": "bench", "label_config": LABEL_CONFIG}).encode()
        project = json.loads(ls.request("POST", "/api/projects", body))["id"]
        payload = tasks.read_bytes()
        before, t0 = ls.cpu(), time.monotonic()
        answer = json.loads(ls.request("POST", f"/api/projects/{project}/import", payload))
        while ls.task_count(project) < n:  # the Community edition answers when done; make sure
            time.sleep(0.5)
        import_cpu, wall = ls.cpu() - before, time.monotonic() - t0
        assert answer.get("task_count", n) == n, answer
        before = ls.cpu()
        exported = ls.request("GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true")
        export_cpu = ls.cpu() - before
        out = json.loads(exported)
        assert len(out) == n and all(len(t["annotations"][0]["result"]) == 5 for t in out)
        return import_cpu, export_cpu, wall, version
    finally:
        ls.stop()


def _subreaper() -> None:
    """Make this process the reaper of its orphaned descendants (Linux `PR_SET_CHILD_SUBREAPER`)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_child_cpu(args: list[str], timeout: float = 120) -> tuple[float, float]:
    """CPU seconds (user + sys) of one run of `args` and of every process it started, and the part
    of it that `floor.child_cpu` sees. Annotator starts its spaCy workers and large-file reader
    from a forkserver that outlives it, so nobody waits for them and their CPU never reaches this
    process's RUSAGE_CHILDREN; as subreaper this process inherits the forkserver and waits for it."""
    _subreaper()
    before = _children_cpu()
    subprocess.run(args, check=True, capture_output=True)
    seen = _children_cpu() - before
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # the orphans, reparented here
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.05)
    else:
        raise RuntimeError(f"processes started by {args[:3]} still running after {timeout:.0f} s")
    return _children_cpu() - before, seen


def measure_annotator(workdir: Path, corpus: Path, n: int, repeat: int = 3) -> dict[str, float | str]:
    """Annotator's least CPU over `repeat` runs: import into a new project without pre-annotation
    (`--no-ner`, the work Label Studio's import does) and export as JSONL; and of one import as it
    runs by default (with spaCy pre-annotation), all its processes counted, and what
    `floor.child_cpu` would have counted of it. Also its version."""
    annotator = annotator_command()
    version = subprocess.run([*annotator, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    best_import = best_export = float("inf")
    for i in range(repeat):
        folder = workdir / f"annotator-{i}"
        folder.mkdir()
        db, out = folder / "project.sqlite", folder / "out.jsonl"
        best_import = min(
            best_import, tree_child_cpu([*annotator, "--db", str(db), "import", str(corpus), "--no-ner"])[0]
        )
        best_export = min(
            best_export, tree_child_cpu([*annotator, "--db", str(db), "export", str(out), "--format", "jsonl"])[0]
        )
        with out.open(encoding="utf-8") as f:
            assert sum(1 for _ in f) == n, "Annotator exported fewer records than it imported"
        shutil.rmtree(folder)
    folder = workdir / "annotator-default"
    folder.mkdir()
    full, seen = tree_child_cpu([*annotator, "--db", str(folder / "project.sqlite"), "import", str(corpus)], 3600)
    shutil.rmtree(folder)
    return {
        "import": best_import,
        "export": best_export,
        "import_ner": full,
        "import_ner_seen": seen,
        "version": version,
    }


def run(workdir: Path, quick: bool) -> list[Result]:
    exe = os.environ.get("LABEL_STUDIO")
    if not exe or not Path(exe).exists():
        return [Result(SUITE, "Label Studio against Annotator (CPU)", 0.0, note=HOW_TO)]
    # LABEL_STUDIO_RECORDS: fewer records, where Label Studio cannot import 50,000 in reasonable time.
    n = int(os.environ.get("LABEL_STUDIO_RECORDS") or (5_000 if quick else 50_000))
    corpus = make_corpus(workdir / "corpus.jsonl", n)
    tasks = workdir / "tasks.json"
    write_tasks(corpus, tasks)
    ls_import, ls_export, wall, ls_version = measure_label_studio(exe, workdir, tasks, n)
    tasks.unlink()
    ours = measure_annotator(workdir, corpus, n)
    corpus.unlink()
    note = (
        f"Label Studio {ls_version} (Community, SQLite, its own server) against {ours['version']}; "
        f"{n:,} records, 5 spans each; Label Studio's import took {wall:.0f} s wall; ratio = how many "
        f"times more CPU Label Studio spends, goal {TARGET:g}x; Annotator least of 3, every process counted"
    )

    def against(measure: str, label_studio: float, annotator: object, note: str = "") -> Result:
        """Label Studio's CPU against Annotator's: how many times more it spends, goal `TARGET`."""
        return Result(
            SUITE, measure, label_studio, baseline=float(annotator), target=TARGET, note=note, higher_is_better=True
        )

    return [
        against(
            f"import {n:,} records: Label Studio vs annotator import --no-ner (CPU)", ls_import, ours["import"], note
        ),
        against(
            f"import {n:,} records: Label Studio vs annotator import, spaCy pre-annotation on (CPU)",
            ls_import,
            ours["import_ner"],
            f"the default import also pre-annotates with spaCy, which Label Studio's does not; one run; "
            f"of its {float(ours['import_ner']):.1f} s a rusage of the child alone (floor.child_cpu) sees "
            f"{float(ours['import_ner_seen']):.1f} s: the workers run under a forkserver nobody waits for",
        ),
        against(
            f"export {n:,} records: Label Studio JSON vs annotator export --format jsonl (CPU)",
            ls_export,
            ours["export"],
        ),
    ]
