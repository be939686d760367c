"""One Graphviz run as a process: memory capped, time limited, its drawing read as written.

The drawing comes back through a pipe and, when asked, is gzipped while Graphviz is still
writing it: on a second core the compression costs no wall time. A pipe of 1 MB and a short
pause after each small read keep the reads few (bench: a 3.7 MB drawing in about 160 reads;
read as fast as it came, a pipe took a thousand, 40 ms of Python CPU). Compression is ISA-L's
gzip (`isal`), level 1: a quarter of zlib's time at level 1, and smaller (bench: 3.7 MB in
8 ms to 655 KB, against 33 ms to 710 KB).

The memory limit is set by util-linux's `prlimit`, which then runs Graphviz: Python can start
it with vfork, where a `preexec_fn` forces a full fork of the server process (bench: 18 ms of
wall time per run at 110 MB, against under 1 ms). Without `prlimit`, `preexec_fn` it is.
(Under gevent, `argmap serve`, gevent's own Popen forks in Python either way.)
"""

from __future__ import annotations

import fcntl
import math
import os
import resource
import select
import shutil
import subprocess
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from isal import igzip, isal_zlib

from .errors import RenderTimeout

PRLIMIT = shutil.which("prlimit")
PIPE_SIZE = 1 << 20  # the most an unprivileged process may ask for (fs.pipe-max-size)
READ_SIZE = 1 << 20
SMALL_READ = 1 << 18  # a read smaller than this is followed by a pause
PAUSE = 0.001  # seconds: lets Graphviz fill the pipe, so each read takes more
GZIP_LEVEL = 1  # ISA-L levels go from 0 to 3


@dataclass
class Ran:
    """What a Graphviz run gave: its exit code, its messages and its drawing."""

    returncode: int
    stderr: bytes
    output: bytes  # as Graphviz wrote it, or gzipped
    size: int  # the bytes Graphviz wrote


def gzip(data: bytes) -> bytes:
    """Bytes gzipped as drawings are stored (level GZIP_LEVEL, no timestamp)."""
    return igzip.compress(data, GZIP_LEVEL, mtime=0)


def gunzip(data: bytes) -> bytes:
    """Gzipped bytes as they were."""
    return igzip.decompress(data)


def run(
    command: list[str],
    source: str,
    memory: int,
    timeout: float,
    env: dict[str, str] | None = None,
    gzipped: bool = False,
) -> Ran:
    """Run a Graphviz command on DOT source (given as a file), reading what it writes.

    Raises RenderTimeout once `timeout` seconds have passed; the process is then killed.
    """
    with tempfile.TemporaryDirectory(prefix="argmap-render-") as folder:
        given = Path(folder) / "map.dot"
        given.write_text(source, encoding="utf-8")
        with open(Path(folder) / "errors", "w+b") as errors:
            process = start([*command, str(given)], memory, env, errors)
            try:
                output, size = collect(process, time.monotonic() + timeout, gzipped)
            except TimeoutError:
                raise RenderTimeout(f"Graphviz took longer than {timeout:g} s.") from None
            finally:
                if process.poll() is None:
                    process.kill()
                process.wait()
                process.stdout.close()
            errors.seek(0)
            return Ran(process.returncode, errors.read(), output, size)


def start(command: list[str], memory: int, env: dict[str, str] | None, errors) -> subprocess.Popen:
    """Start Graphviz under the memory limit, its drawing on a pipe, its messages to a file."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    process = subprocess.Popen(
        [PRLIMIT, f"--as={memory}", "--", *command] if PRLIMIT else command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
        preexec_fn=None if PRLIMIT else cap_memory,
    )
    # Set here rather than by Popen's `pipesize`, which gevent's Popen (`argmap serve`) ignores.
    # Linux only; where the user's pipes already hold too much, the pipe keeps its usual size.
    with suppress(OSError, AttributeError):
        fcntl.fcntl(process.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    return process


def collect(process: subprocess.Popen, deadline: float, gzipped: bool) -> tuple[bytes, int]:
    """Everything the process writes before it ends (gzipped as it comes), and its size.

    Raises TimeoutError at the deadline.
    """
    packer = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, 31)  # a gzip container
    out = process.stdout.fileno()
    poller = select.poll()
    poller.register(out, select.POLLIN)
    parts: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(math.ceil(left * 1000)):
            raise TimeoutError
        chunk = os.read(out, READ_SIZE)
        if not chunk:
            break
        size += len(chunk)
        parts.append(packer.compress(chunk) if gzipped else chunk)
        if len(chunk) < SMALL_READ:
            time.sleep(PAUSE)
    if gzipped:
        parts.append(packer.flush())
    try:
        process.wait(max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    return b"".join(parts), size
