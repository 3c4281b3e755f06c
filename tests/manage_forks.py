"""`manage.py <command>` for the live server's database, without paying Python's and Django's start-up each time.

The browser tests and journeys set up what they need with `manage.py shell -c …` in the live server's environment
(about a hundred commands a run). A new interpreter costs ~1.7 s of CPU before the command's first line, most of it
importing Django, Wagtail and the apps. Here one process per test worker imports and sets up Django once, then forks
a child for every command: the child starts from that state, as a fresh `manage.py` would after `django.setup()` (no
connection open, no cache filled, no module state left by an earlier command), runs the command with its output in
files and exits; the parent only forks and waits. The result is a `subprocess.CompletedProcess`, as from
`subprocess.run([python, "manage.py", …], capture_output=True, text=True)`.
"""

import json
import select
import subprocess
import sys
import tempfile
from pathlib import Path

# Runs in the forking process. One request per line on stdin ({"args": [...], "stdout": path, "stderr": path}),
# one answer per line on stdout ({"returncode": n}).
FORK_SERVER = r"""
import json, os, sys, traceback
import django
django.setup()
from django.db import connections
connections.close_all()  # nothing open to share with a child
from django.core.management import execute_from_command_line

answers = os.fdopen(os.dup(1), "w", buffering=1)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
            try:
                execute_from_command_line(["manage.py", *request["args"]])
                code = 0
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
                if not isinstance(exit.code, (int, type(None))):
                    print(exit.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    answers.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
"""


class ManageForks:
    """Runs manage.py commands in forks of one process that has set Django up (see the module's docstring)."""

    def __init__(self, env, cwd, timeout=600):
        self.timeout = timeout
        self.folder = Path(tempfile.mkdtemp(prefix="manage-forks-"))
        self.log = self.folder / "forking-process.log"
        with self.log.open("w") as log:  # its own warnings, if any: a file never fills up as a pipe would
            self.process = subprocess.Popen(
                [sys.executable, "-c", FORK_SERVER],
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                bufsize=1,
            )

    def __call__(self, *args, check=True):
        out, err = self.folder / "stdout", self.folder / "stderr"
        self.process.stdin.write(json.dumps({"args": list(args), "stdout": str(out), "stderr": str(err)}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], self.timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            reason = f"no answer in {self.timeout} s" if not ready else self.log.read_text()[-2000:]
            raise RuntimeError(f"manage.py {' '.join(args)}: the forking process stopped ({reason})")
        result = subprocess.CompletedProcess(
            ["manage.py", *args], json.loads(line)["returncode"], out.read_text(), err.read_text()
        )
        if check:
            result.check_returncode()
        return result

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        for leftover in self.folder.iterdir():
            leftover.unlink()
        self.folder.rmdir()
