"""The login and recovery throttles, on a clock the tests move by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kwai_api.core.throttle import Backoff, RateLimit, Throttle
from kwai_api.identity.throttle import retry_after


class Clock:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> datetime:
        return datetime(2026, 1, 1) + timedelta(seconds=self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_backoff_allows_the_free_failures_then_doubles_the_wait() -> None:
    backoff = Backoff(free=3, base_seconds=1, cap_seconds=100)
    for _ in range(3):
        backoff.failed("ann", 0)
        assert backoff.wait("ann", 0) == 0
    waits = []
    for _ in range(5):
        backoff.failed("ann", 0)
        waits.append(backoff.wait("ann", 0))
    assert waits == [1, 2, 4, 8, 16]


def test_backoff_never_waits_longer_than_the_cap() -> None:
    backoff = Backoff(free=0, base_seconds=1, cap_seconds=10)
    for _ in range(40):
        backoff.failed("ann", 0)
    assert backoff.wait("ann", 0) == 10
    assert backoff.wait("ann", 4) == 6
    assert backoff.wait("ann", 10) == 0


def test_backoff_keys_are_independent_and_forgotten_after_success() -> None:
    backoff = Backoff(free=0)
    backoff.failed("ann", 0)
    assert backoff.wait("ann", 0) > 0
    assert backoff.wait("bob", 0) == 0
    backoff.forget("ann")
    assert backoff.wait("ann", 0) == 0


def test_old_failures_stop_counting() -> None:
    backoff = Backoff(free=2, forget_seconds=60)
    backoff.failed("ann", 0)
    backoff.failed("ann", 0)
    backoff.failed("ann", 61)  # the first two are forgotten: this is the first of a new run
    assert backoff.wait("ann", 61) == 0


def test_backoff_memory_is_bounded() -> None:
    backoff = Backoff(free=0, max_keys=3)
    for name in ("a", "b", "c", "d"):
        backoff.failed(name, 0)
    assert backoff.wait("a", 0) == 0  # the oldest key was dropped
    assert backoff.wait("d", 0) > 0


def test_rate_limit_counts_events_in_a_sliding_window() -> None:
    limit = RateLimit(limit=2, window_seconds=10)
    limit.record("1.2.3.4", 0)
    limit.record("1.2.3.4", 4)
    assert limit.wait("1.2.3.4", 5) == 5  # the first event leaves the window at 10
    assert limit.wait("5.6.7.8", 5) == 0
    assert limit.wait("1.2.3.4", 10) == 0


def test_rate_limit_undo_takes_back_an_event() -> None:
    limit = RateLimit(limit=1, window_seconds=10)
    limit.record("1.2.3.4", 0)
    assert limit.wait("1.2.3.4", 1) > 0
    limit.undo("1.2.3.4")
    assert limit.wait("1.2.3.4", 1) == 0
    limit.undo("9.9.9.9")  # nothing to take back: no error


def test_login_attempts_count_before_the_password_is_checked() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(throttle.pairs.free + 1):
        assert throttle.begin_login("ann@example.org", "10.0.0.1") == 0
    # No outcome was reported yet: the attempts in flight already count as failures.
    assert throttle.begin_login("ann@example.org", "10.0.0.1") == 1
    clock.advance(1)
    assert throttle.begin_login("ann@example.org", "10.0.0.1") == 0


def test_a_successful_login_clears_the_account() -> None:
    throttle = Throttle(Clock())
    for _ in range(throttle.pairs.free):
        throttle.begin_login("ann@example.org", "10.0.0.1")
    throttle.login_succeeded("ann@example.org", "10.0.0.1")
    assert throttle.pairs.wait("ann@example.org\n10.0.0.1", 1000) == 0
    assert throttle.begin_login("ann@example.org", "10.0.0.1") == 0


def test_one_address_guessing_many_accounts_is_limited() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    limit = throttle.login_addresses.limit
    for n in range(limit):
        assert throttle.begin_login(f"user{n}@example.org", "10.0.0.1") == 0
    assert throttle.begin_login("another@example.org", "10.0.0.1") > 0
    assert throttle.begin_login("another@example.org", "10.0.0.2") == 0
    clock.advance(throttle.login_addresses.window_seconds)
    assert throttle.begin_login("another@example.org", "10.0.0.1") == 0


def test_recovery_requests_are_limited_per_address() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for _ in range(throttle.recover_addresses.limit):
        assert throttle.begin_recover("10.0.0.1") == 0
    assert throttle.begin_recover("10.0.0.1") == throttle.recover_addresses.window_seconds
    clock.advance(throttle.recover_addresses.window_seconds)
    assert throttle.begin_recover("10.0.0.1") == 0


@pytest.mark.parametrize(
    ("seconds", "header"), [(0.0, "1"), (0.2, "1"), (1.0, "1"), (1.5, "2"), (900.0, "900")]
)
def test_retry_after_is_whole_seconds_and_at_least_one(seconds: float, header: str) -> None:
    assert retry_after(seconds) == header


def test_guesses_from_other_addresses_never_lock_the_owner_out() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    for n in range(60):  # a stranger guessing from ever new addresses
        assert throttle.begin_login("ann@example.org", f"10.0.{n}.1") == 0
    assert throttle.begin_login("ann@example.org", "192.168.1.5") == 0  # the owner, at home
    # ... who is slowed down a moment while the account is under attack, not refused
    assert throttle.account_delay("ann@example.org") == throttle.account_delay_seconds > 0
    clock.advance(throttle.account_failures.window_seconds)
    assert throttle.account_delay("ann@example.org") == 0


def test_one_address_guessing_one_account_is_locked_out_alone() -> None:
    throttle = Throttle(Clock())
    for _ in range(throttle.pairs.free):
        assert throttle.begin_login("ann@example.org", "10.0.0.1") == 0
    assert throttle.begin_login("ann@example.org", "10.0.0.1") == 0  # the first locked try
    assert throttle.begin_login("ann@example.org", "10.0.0.1") > 0
    assert throttle.begin_login("ann@example.org", "10.0.0.2") == 0
