"""Run a function in a forked child and collect what it returns (or raises).

A forked child starts with the parent's memory: the gathered club, the imported renderer, the
open release. The build uses it to render outside the server, to clone the live release on the
other core, and to render half of a big build there.

A child never outlives its parent: it dies with it (a server killed with -9 leaves no renderer
behind to publish a release later), and it lets go of the parent's sockets at once (the
listening socket is free for the next server the moment the old one is gone).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import stat
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Explained(Exception):
    """An error whose message already tells the whole story: a child passes it on as it is."""


class ChildFailed(Explained):
    """The child raised, or stopped without an answer; the message says what happened."""


class ChildTimedOut(ChildFailed):
    """The child did not answer in time and was killed, with every process it started."""


class Forked(Generic[T]):
    """`function(*args)` running in a forked child; `result()` waits for its return value.

    With `own_group` the child leads a process group of its own, so that a timeout kills
    everything it started; with `memory_bytes` it may allocate that much beyond what it
    inherited, and raises MemoryError past it.
    """

    def __init__(
        self,
        function: Callable[..., T],
        *args: Any,
        daemon: bool = True,
        own_group: bool = False,
        memory_bytes: int | None = None,
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        setup = (os.getpid(), own_group, memory_bytes)
        self._process = context.Process(
            target=_run, args=(function, args, sender, setup), daemon=daemon
        )
        self._own_group = own_group
        self._process.start()
        sender.close()

    def result(self, timeout: float | None = None) -> T:
        """Wait for the child; its return value, or ChildFailed with what it raised.

        Past `timeout` seconds the child (and its process group) is killed: ChildTimedOut.
        """
        try:
            if timeout is not None and not self._receiver.poll(timeout):
                self.kill()
                raise ChildTimedOut(f"no answer within {timeout:g} s; the process was killed")
            failed, value = self._receiver.recv()
        except EOFError:
            failed, value = True, _stopped(self._process)
        except BaseException:  # interrupted while waiting: the child goes too
            self.kill()
            raise
        finally:
            self._receiver.close()
            self._process.join()
        if failed:
            raise ChildFailed(value)
        return value  # type: ignore[no-any-return]

    def kill(self) -> None:
        """Kill the child at once (with its process group, if it leads one)."""
        pid = self._process.pid
        assert pid is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
        if self._own_group:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies; exit now if it already has.

    Usable as a subprocess `preexec_fn`. Linux only; elsewhere the process may outlive it.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was in place
        os._exit(1)


def release_sockets() -> None:
    """Point every inherited socket descriptor at /dev/null.

    The listening socket and the visitors' connections stay the server's alone: a child holding
    them would keep the port taken after the server died, and keep connections open after the
    server closed them. The descriptor numbers stay taken, so nothing else reuses them.
    """
    with contextlib.suppress(FileNotFoundError):  # no /proc: not Linux
        null = os.open(os.devnull, os.O_RDWR)
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            with contextlib.suppress(OSError):
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
        os.close(null)


def _limit_memory(allowed: int) -> None:
    """Let this process allocate `allowed` bytes more than it holds now (RLIMIT_DATA).

    Linux only (it reads /proc); elsewhere the build has no memory ceiling.
    """
    held = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    held = int(line.split()[1]) * 1024
    except FileNotFoundError:
        return
    resource.setrlimit(resource.RLIMIT_DATA, (held + allowed, resource.RLIM_INFINITY))


def _stopped(process: Any) -> str:
    """Why a child stopped without an answer."""
    process.join()
    code = process.exitcode
    if code is not None and code < 0:
        return f"the child process was killed by signal {signal.Signals(-code).name}"
    return "the child process stopped without a result"


def _run(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    sender: Connection,
    setup: tuple[int, bool, int | None],
) -> None:
    parent, own_group, memory_bytes = setup
    die_with_parent(parent)
    release_sockets()
    if own_group:
        os.setpgid(0, 0)
    try:
        if memory_bytes is not None:
            _limit_memory(memory_bytes)
        answer: tuple[bool, Any] = (False, function(*args))
    except BaseException as error:  # everything goes back to the parent as its message
        answer = (
            True,
            str(error) if isinstance(error, Explained) else f"{type(error).__name__}: {error}",
        )
    sender.send(answer)
    sender.close()
