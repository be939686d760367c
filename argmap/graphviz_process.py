"""One Graphviz run as a process: memory capped, time limited, its drawing read as written.

The DOT source goes in through a pipe of 1 MB, part by part as the caller makes it: Graphviz
starts up and parses the first parts on one core while the rest are made on the other (a
file written whole first kept Graphviz waiting for all of it). The time spent making parts
is not counted in Graphviz's time limit.

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
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass

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
    source: str | Iterable[str],
    memory: int,
    timeout: float,
    env: dict[str, str] | None = None,
    gzipped: bool = False,
) -> Ran:
    """Run a Graphviz command on DOT source, given on its input, reading what it writes.

    `source` may come in parts, made as Graphviz reads them: it starts, and parses, while
    the rest is being made. Raises RenderTimeout once Graphviz has had `timeout` seconds
    (the time spent making the parts not counted); the process is then killed.
    """
    parts = iter([source] if isinstance(source, str) else source)
    with tempfile.TemporaryFile(prefix="argmap-render-") as errors:
        process = start(command, memory, env, errors)
        try:
            output, size = exchange(process, parts, timeout, gzipped)
        except TimeoutError:
            raise RenderTimeout(f"Graphviz took longer than {timeout:g} s.") from None
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            with suppress(OSError):
                process.stdin.close()
            process.stdout.close()
        errors.seek(0)
        return Ran(process.returncode, errors.read(), output, size)


def start(command: list[str], memory: int, env: dict[str, str] | None, errors) -> subprocess.Popen:
    """Start Graphviz under the memory limit, its drawing on a pipe, its messages to a file."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    process = subprocess.Popen(
        [PRLIMIT, f"--as={memory}", "--", *command] if PRLIMIT else command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
        preexec_fn=None if PRLIMIT else cap_memory,
    )
    # Set here rather than by Popen's `pipesize`, which gevent's Popen (`argmap serve`) ignores.
    # Linux only; where the user's pipes already hold too much, the pipe keeps its usual size.
    for pipe in (process.stdin, process.stdout):
        with suppress(OSError, AttributeError):
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    return process


class Feed:
    """The DOT source on its way into Graphviz: made part by part, written as the pipe takes it."""

    def __init__(self, process: subprocess.Popen, parts: Iterator[str]) -> None:
        self.pipe = process.stdin
        self.fd = process.stdin.fileno()
        os.set_blocking(self.fd, False)
        self.parts = parts
        self.pending = memoryview(b"")
        self.making = 0.0  # seconds spent making parts: not Graphviz's time
        self.open = True

    def next_part(self) -> None:
        """Make the next part to write; at the end, close Graphviz's input."""
        while self.open and not self.pending:
            began = time.monotonic()
            part = next(self.parts, None)
            self.making += time.monotonic() - began
            if part is None:
                self.close()
            else:
                self.pending = memoryview(part.encode())

    def write(self) -> None:
        """Write what the pipe takes now; a Graphviz that stopped reading ends the feed."""
        try:
            self.pending = self.pending[os.write(self.fd, self.pending) :]
        except BlockingIOError:
            return
        except (BrokenPipeError, ConnectionResetError):
            self.close()
            return
        self.next_part()

    def close(self) -> None:
        """No more input: Graphviz reads to the end of what it has (or has stopped reading)."""
        if self.open:
            self.open = False
            self.pending = memoryview(b"")
            with suppress(OSError):
                self.pipe.close()


def exchange(
    process: subprocess.Popen, parts: Iterator[str], timeout: float, gzipped: bool
) -> tuple[bytes, int]:
    """Feed the source in while reading everything the process writes until it ends.

    The drawing is gzipped as it comes when asked; returns it and its size. Raises
    TimeoutError once the process has had `timeout` seconds (making the parts not counted).
    """
    packer = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, 31)  # a gzip container
    out = process.stdout.fileno()
    started = time.monotonic()
    feed = Feed(process, parts)
    poller = select.poll()
    poller.register(out, select.POLLIN)
    poller.register(feed.fd, select.POLLOUT)
    feed.next_part()
    parts_out: list[bytes] = []
    size = 0
    while True:
        if not feed.open:
            with suppress(KeyError, ValueError):
                poller.unregister(feed.fd)
        left = started + timeout + feed.making - time.monotonic()
        ready = poller.poll(math.ceil(left * 1000)) if left > 0 else []
        if not ready:
            raise TimeoutError
        if feed.open and any(fd == feed.fd for fd, _ in ready):
            feed.write()
        if not any(fd == out for fd, _ in ready):
            continue
        chunk = os.read(out, READ_SIZE)
        if not chunk:
            break
        size += len(chunk)
        parts_out.append(packer.compress(chunk) if gzipped else chunk)
        if len(chunk) < SMALL_READ and not feed.open:
            time.sleep(PAUSE)
    feed.close()  # it wrote all it will: the rest of the source is not needed
    if gzipped:
        parts_out.append(packer.flush())
    try:
        process.wait(max(started + timeout + feed.making - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    return b"".join(parts_out), size
