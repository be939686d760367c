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

Graphviz is started by `posix_spawn` (the server process is never copied: a fork of a
110 MB worker took 18 to 25 ms of its one thread per run, under gevent's Popen as well),
through a shell that caps its memory (`ulimit -v`) and its CPU time (a backstop past the
time limit), waits for it and writes its exit code on a pipe of its own. The code so
reaches argmap even where another reaper of child processes (gevent's, `argmap serve`)
collects the shell first. The whole run, reads and writes included, is done aside
(db.aside): under gevent in a thread of the worker's pool, with Python's own blocking
calls, so the worker's requests and streams never wait on it.
"""

from __future__ import annotations

import fcntl
import math
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass

from isal import igzip, isal_zlib

from .db import aside
from .errors import RenderTimeout

PIPE_SIZE = 1 << 20  # the most an unprivileged process may ask for (fs.pipe-max-size)
READ_SIZE = 1 << 20
SMALL_READ = 1 << 18  # a read smaller than this is followed by a pause
PAUSE = 0.001  # seconds: lets Graphviz fill the pipe, so each read takes more
GZIP_LEVEL = 1  # ISA-L levels go from 0 to 3
END = "\x00end of the DOT"  # a part that ends Graphviz's input (see run); never DOT text


def text_of(parts: Iterable[str]) -> str:
    """The DOT text of parts up to END; the parts after it are run to their end (see run)."""
    found, text = iter(parts), []
    for part in found:
        if part is END:
            break
        text.append(part)
    deque(found, maxlen=0)
    return "".join(text)


def original(module: str, name: str):
    """A blocking call as Python has it, even where gevent has patched it (`argmap serve`)."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None:
        return monkey.get_original(module, name)
    return getattr(sys.modules[module], name)


POLL = original("select", "poll")
SLEEP = original("time", "sleep")
SPAWN = original("os", "posix_spawn")
WAITPID = original("os", "waitpid")


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
    the rest is being made. A part that is END ends its input; the parts are then run to
    their end while Graphviz draws (work of the caller's own, giving no more text). Raises
    RenderTimeout once Graphviz has had `timeout` seconds (the time spent making the parts
    not counted); the process is then killed.
    """
    parts = iter([source] if isinstance(source, str) else source)
    try:
        return aside(drawn, command, memory, env, (parts, timeout, gzipped))
    except TimeoutError:
        raise RenderTimeout(f"Graphviz took longer than {timeout:g} s.") from None


def drawn(command: list[str], memory: int, env: dict[str, str] | None, exchanged: tuple) -> Ran:
    """Start the process, exchange input and output with it, and end it whatever happens."""
    with tempfile.TemporaryFile(prefix="argmap-render-") as errors:
        process = start(command, memory, env, errors.fileno(), exchanged[1])
        try:
            output, size = exchange(process, *exchanged)
        finally:
            process.end()
        if process.returncode == -signal.SIGXCPU:  # its CPU time ran out: it took too long
            raise TimeoutError
        errors.seek(0)
        return Ran(process.returncode, errors.read(), output, size)


@dataclass
class Process:
    """A running Graphviz as argmap holds it: its process group and the ends of its pipes."""

    pid: int  # the shell's, which leads the group Graphviz runs in
    feed: int  # Graphviz's input
    out: int  # Graphviz's output
    status: int  # where the shell writes Graphviz's exit code
    returncode: int | None = None  # negative: the signal that stopped it

    def read_status(self, left: float) -> None:
        """Wait up to `left` seconds for the shell to write Graphviz's exit code."""
        said = b""
        poller = POLL()
        poller.register(self.status, select.POLLIN)
        while poller.poll(max(math.ceil(left * 1000), 0)):
            chunk = os.read(self.status, 64)
            if not chunk:
                break
            said += chunk
        else:
            raise TimeoutError
        code = int(said) if said.strip().isdigit() else 128 + 9  # no word: killed
        self.returncode = 128 - code if code > 128 else code

    def end(self) -> None:
        """Stop what still runs of the group, close the pipes, collect the shell."""
        if self.returncode is None:
            with suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
        for fd in (self.out, self.status):
            os.close(fd)
        with suppress(ChildProcessError):  # collected already by another reaper
            WAITPID(self.pid, 0)


SHELL = shutil.which("sh") or "/bin/sh"
# $1: the memory limit in KiB; $2: a soft limit of CPU seconds, past the time limit (it
# stops a Graphviz left behind by a server that ended, by SIGXCPU, no core dumped); then
# the command. Its
# exit code (128 + N when signal N stopped it; the shell then adds a word such as "Killed"
# to its messages) goes to descriptor 3.
SCRIPT = 'ulimit -c 0 && ulimit -v "$1" && ulimit -S -t "$2" && shift 2 && "$@" 3>&-; echo $? >&3'


def start(
    command: list[str], memory: int, env: dict[str, str] | None, errors: int, timeout: float = 60
) -> Process:
    """Start Graphviz under the memory limit: input and output on pipes, messages to `errors`.

    Its CPU time is capped a little past `timeout` (the caller stops it at `timeout`)."""
    made: list[int] = []  # every descriptor made here, closed on a failure
    try:
        for _ in range(3):
            made += os.pipe2(os.O_CLOEXEC)
        feed_in, feed, out, out_end, status, status_end = made
        # Linux only; where the user's pipes already hold too much, a pipe keeps its usual size.
        for fd in (feed, out):
            with suppress(OSError, AttributeError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        ends = ((feed_in, 0), (out_end, 1), (errors, 2), (status_end, 3))
        limits = [str(max(memory // 1024, 1)), str(math.ceil(timeout) + 1)]
        pid = SPAWN(
            SHELL,
            [SHELL, "-c", SCRIPT, "sh", *limits, *command],
            os.environ if env is None else env,
            file_actions=[(os.POSIX_SPAWN_DUP2, fd, number) for fd, number in ends],
            setpgroup=0,
        )
    except BaseException:
        for fd in made:
            os.close(fd)
        raise
    for fd in (feed_in, out_end, status_end):  # the process's own ends
        os.close(fd)
    return Process(pid, feed, out, status)


class Feed:
    """The DOT source on its way into Graphviz: made part by part, written as the pipe takes it."""

    def __init__(self, fd: int, parts: Iterator[str]) -> None:
        self.fd = fd
        os.set_blocking(fd, False)
        self.parts = parts
        self.pending = memoryview(b"")
        self.making = 0.0  # seconds spent making parts: not Graphviz's time
        self.open = True

    def next_part(self) -> None:
        """Make the next part to write; at the end (no part, or END), close Graphviz's
        input, then run what is left of the parts."""
        while self.open and not self.pending:
            began = time.monotonic()
            part = next(self.parts, None)
            if part is None or part is END:
                self.close()
                deque(self.parts, maxlen=0)
            else:
                self.pending = memoryview(part.encode())
            self.making += time.monotonic() - began

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
            os.close(self.fd)


def exchange(
    process: Process, parts: Iterator[str], timeout: float, gzipped: bool
) -> tuple[bytes, int]:
    """Feed the source in while reading everything the process writes until it ends.

    The drawing is gzipped as it comes when asked; returns it and its size, the process's
    exit code read. Raises TimeoutError once the process has had `timeout` seconds (making
    the parts not counted).
    """
    packer = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, 31)  # a gzip container
    out = process.out
    started = time.monotonic()
    feed = Feed(process.feed, parts)
    try:
        poller = POLL()
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
                SLEEP(PAUSE)
    finally:
        feed.close()  # it wrote all it will: the rest of the source is not needed
    if gzipped:
        parts_out.append(packer.flush())
    process.read_status(started + timeout + feed.making - time.monotonic())
    return b"".join(parts_out), size
