"""Slow down password guessing without letting strangers lock an owner out of their account.

Failures lock an account only for the address they came from (exponential backoff per account
and address), so guesses from elsewhere never make the owner's right password answer 429. An
account that sees many failures from anywhere is slowed down, not refused: every login to it
waits a moment, which makes guessing from many addresses slow and costs the owner a second.
Addresses are rate limited for logins and recovery mails alike.

The state lives in memory in the app's state (one process serves the API). Every decision reads
the app's clock, so tests move time instead of sleeping. Routes call these from the event loop,
one at a time, so the state needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from kwai_api.core.clock import Clock, aware_utc, system_clock


@dataclass
class _Account:
    failures: int = 0
    last_failure: float = 0.0
    locked_until: float = 0.0


@dataclass
class Backoff:
    """After `free` failures, each further failure locks the key for twice as long (up to `cap`)."""

    free: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 900.0
    forget_seconds: float = 3600.0  # failures this old no longer count
    max_keys: int = 10_000
    _keys: OrderedDict[str, _Account] = field(default_factory=OrderedDict)

    def wait(self, key: str, now: float) -> float:
        """Seconds until the key may try again (0: now)."""
        account = self._current(key, now)
        return max(0.0, account.locked_until - now) if account else 0.0

    def failed(self, key: str, now: float) -> None:
        """Count a failure, locking the key once the free failures are spent."""
        account = self._current(key, now) or _Account()
        account.failures += 1
        account.last_failure = now
        if account.failures > self.free:
            delay = self.base_seconds * 2 ** min(account.failures - self.free - 1, 30)
            account.locked_until = now + min(self.cap_seconds, delay)
        self._keys[key] = account
        self._keys.move_to_end(key)
        self._bound()

    def forget(self, key: str) -> None:
        """Clear the key's failures (after a success)."""
        self._keys.pop(key, None)

    def _current(self, key: str, now: float) -> _Account | None:
        account = self._keys.get(key)
        if account is not None and now - account.last_failure > self.forget_seconds:
            del self._keys[key]
            return None
        return account

    def _bound(self) -> None:
        # Guessing with ever new names must not grow memory without end: drop the oldest.
        while len(self._keys) > self.max_keys:
            self._keys.popitem(last=False)


@dataclass
class RateLimit:
    """At most `limit` events per key within a sliding window of `window_seconds`."""

    limit: int
    window_seconds: float
    max_keys: int = 10_000
    _events: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    def wait(self, key: str, now: float) -> float:
        """Seconds until the key may act again (0: now)."""
        events = self._recent(key, now)
        if len(events) < self.limit:
            return 0.0
        return max(0.0, events[0] + self.window_seconds - now)

    def record(self, key: str, now: float) -> None:
        """Count one event for the key."""
        events = self._recent(key, now)
        events.append(now)
        self._events[key] = events
        self._events.move_to_end(key)
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)

    def count(self, key: str, now: float) -> int:
        """How many events the key had within the window."""
        return len(self._recent(key, now))

    def undo(self, key: str) -> None:
        """Take back the key's latest event (it turned out to be legitimate)."""
        events = self._events.get(key)
        if events:
            events.pop()

    def _recent(self, key: str, now: float) -> deque[float]:
        events = self._events.get(key, deque())
        while events and events[0] <= now - self.window_seconds:
            events.popleft()
        return events


class Throttle:
    """The throttles of the identity routes: login per account and address, recovery mails."""

    def __init__(self, clock: Clock = system_clock, account_delay_seconds: float = 1.0) -> None:
        self.clock = clock
        self.pairs = Backoff()  # failures of one account from one address
        self.account_failures = RateLimit(limit=20, window_seconds=600)
        self.account_delay_seconds = account_delay_seconds
        self.login_addresses = RateLimit(limit=30, window_seconds=600)
        self.recover_addresses = RateLimit(limit=10, window_seconds=3600)

    def _seconds(self) -> float:
        return aware_utc(self.clock()).timestamp()

    def begin_login(self, account: str, address: str) -> float:
        """Seconds to wait before this login may be tried; else 0 and the attempt is counted.

        The attempt counts as a failure until `login_succeeded`, so parallel guesses cannot all
        slip past the check while their passwords are still being verified.
        """
        now = self._seconds()
        pair = f"{account}\n{address}"
        wait = max(self.pairs.wait(pair, now), self.login_addresses.wait(address, now))
        if wait > 0:
            return wait
        self.pairs.failed(pair, now)
        self.login_addresses.record(address, now)
        self.account_failures.record(account, now)
        return 0.0

    def account_delay(self, account: str) -> float:
        """Seconds every login to the account waits while it is under attack (never a refusal)."""
        busy = self.account_failures.count(account, self._seconds()) > self.account_failures.limit
        return self.account_delay_seconds if busy else 0.0

    def login_succeeded(self, account: str, address: str) -> None:
        """Forget the failures of this account from this address; the login was no guess."""
        self.pairs.forget(f"{account}\n{address}")
        self.login_addresses.undo(address)
        self.account_failures.undo(account)

    def begin_recover(self, address: str) -> float:
        """Seconds to wait before this address may ask for another recovery mail; else 0."""
        now = self._seconds()
        wait = self.recover_addresses.wait(address, now)
        if wait == 0:
            self.recover_addresses.record(address, now)
        return wait
