"""Answers of recent reads, kept exactly as long as they are what the read would answer again.

The server process is the database's only writer and counts its committed writes
(`Database.version`). An answer is kept with the version it was read at, and, when it depends on
the time (a story goes live at its publish date), with the period of the clock it holds for. It
is given again only while both hold: at the same version and inside that period. Any write makes
every kept answer old; the next read makes a fresh one.

The caller puts who is asking in the key (the public's view and the staff's never mix). Kept
answers are bounded by their total size; the least recently used go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

BUDGET = 32 * 1024 * 1024  # bytes of answer bodies kept at most
LARGEST = 2 * 1024 * 1024  # an answer larger than this is not kept: it would crowd out the rest


@dataclass(frozen=True)
class Period:
    """The moments an answer holds for: from `start` (inclusive) to `end` (exclusive; None is
    until the next write)."""

    start: datetime
    end: datetime | None

    def holds(self, now: datetime) -> bool:
        """True when the answer made at `start` is still the answer at `now`."""
        return self.start <= now and (self.end is None or now < self.end)


@dataclass(frozen=True)
class Answer:
    """A read's answer as sent: status, headers and body, with when it holds."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    version: int
    period: Period | None  # None: the answer does not depend on the time

    def holds(self, version: int, now: datetime) -> bool:
        """True when nothing was written since and the time has not changed what it says."""
        return self.version == version and (self.period is None or self.period.holds(now))


class Answers:
    """The kept answers of one app, by key; safe to use from several threads."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self._kept: OrderedDict[Hashable, Answer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def find(self, key: Hashable, version: int, now: datetime) -> Answer | None:
        """The kept answer for `key` if it still holds at `version` and `now`, else None."""
        with self._lock:
            answer = self._kept.get(key)
            if answer is None:
                return None
            if not answer.holds(version, now):
                self._drop(key)
                return None
            self._kept.move_to_end(key)
            return answer

    def keep(self, key: Hashable, answer: Answer) -> None:
        """Keep `answer` for `key` (not when it is too large), making room for it."""
        if len(answer.body) > min(LARGEST, self.budget):
            return
        with self._lock:
            if key in self._kept:
                self._drop(key)
            self._kept[key] = answer
            self._size += len(answer.body)
            while self._size > self.budget:
                self._drop(next(iter(self._kept)))

    def _drop(self, key: Hashable) -> None:
        self._size -= len(self._kept.pop(key).body)
