"""Digests of outputs: what decides whether a file must be rendered again.

Pages share large context values (the labels, the navigation, the same story on several lists):
each context value that is not a plain scalar is pickled and hashed once per build, by identity,
and its digest reused by every output that holds the same object.
"""

from __future__ import annotations

import hashlib
import pickle
from datetime import datetime
from typing import Any

from kwai_gen.outputs import Deferred

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_SCALARS = (str, int, float, bool, type(None))


class Digester:
    """Digests the outputs of one build; contexts must not change while it is in use."""

    def __init__(self, salt: str) -> None:
        self._salt = salt.encode()
        self._memo: dict[int, tuple[Any, bytes]] = {}

    def output(self, template: str, context: dict[str, Any] | Deferred) -> str:
        """The digest of one output: salt (theme and code), template and context (or its key)."""
        hasher = hashlib.blake2b(self._salt, digest_size=16)
        hasher.update(template.encode())
        if isinstance(context, Deferred):
            hasher.update(b"deferred")
            for value in context.key:
                hasher.update(self._value(value))
        else:
            for key, value in context.items():
                hasher.update(key.encode())
                hasher.update(self._value(value))
        return hasher.hexdigest()

    def _value(self, value: Any) -> bytes:
        if isinstance(value, _SCALARS):
            return pickle.dumps(value, protocol=_PROTOCOL)
        if isinstance(value, datetime):  # pickling an aware datetime is surprisingly slow
            return value.isoformat().encode()
        if isinstance(value, list | tuple) and value and not isinstance(value[0], _SCALARS):
            # Lists of shared objects (a feed's events, a list page's stories): combine the
            # elements' memoized digests rather than pickling the whole list again.
            hasher = hashlib.blake2b(b"[", digest_size=16)
            for item in value:
                hasher.update(self._value(item))
            return hasher.digest()
        # The memo keeps the object alive, so that its id is not reused within the build.
        known = self._memo.get(id(value))
        if known is None or known[0] is not value:
            data = pickle.dumps(value, protocol=_PROTOCOL)
            known = (value, hashlib.blake2b(data, digest_size=16).digest())
            self._memo[id(value)] = known
        return known[1]
