"""Run a function in a forked child and collect what it returns (or raises).

A forked child starts with the parent's memory: the gathered club, the imported renderer, the
open release. The build uses it to render outside the server, to clone the live release on the
other core, and to render half of a big build there.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Explained(Exception):
    """An error whose message already tells the whole story: a child passes it on as it is."""


class ChildFailed(Explained):
    """The child raised, or stopped without an answer; the message says what happened."""


class Forked(Generic[T]):
    """`function(*args)` running in a forked child; `result()` waits for its return value."""

    def __init__(self, function: Callable[..., T], *args: Any, daemon: bool = True) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(function, args, sender), daemon=daemon)
        self._process.start()
        sender.close()

    def result(self) -> T:
        """Wait for the child; its return value, or ChildFailed with what it raised."""
        try:
            failed, value = self._receiver.recv()
        except EOFError:
            failed, value = True, "the child process stopped without a result"
        finally:
            self._receiver.close()
            self._process.join()
        if failed:
            raise ChildFailed(value)
        return value  # type: ignore[no-any-return]


def _run(function: Callable[..., Any], args: tuple[Any, ...], sender: Connection) -> None:
    try:
        answer: tuple[bool, Any] = (False, function(*args))
    except BaseException as error:  # everything goes back to the parent as its message
        answer = (
            True,
            str(error) if isinstance(error, Explained) else f"{type(error).__name__}: {error}",
        )
    sender.send(answer)
    sender.close()
