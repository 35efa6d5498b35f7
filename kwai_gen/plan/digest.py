"""Digests of outputs: what decides whether a file must be rendered again.

Pages share large context values (the frame, a story on several lists): each object that is not
a plain scalar is pickled and hashed once per build, by identity, and its digest reused by every
output that holds it. Tuples and lists are digested element by element for the same reason.
"""

from __future__ import annotations

import hashlib
import pickle
from datetime import datetime
from typing import Any

from kwai_gen.plan.outputs import Deferred

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_SEPARATOR = b"\x00"


class Digester:
    """Digests the outputs of one build; contexts must not change while it is in use.

    Given the digester of the last build as `previous`, it reuses the digests of the objects
    both builds share (an unchanged story, training or frame is the same object) and keeps only
    those: an object that left the club is forgotten after one build.
    """

    def __init__(self, salt: str, previous: Digester | None = None) -> None:
        self._salt = salt.encode()
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._previous = (
            previous._memo if previous is not None and previous._salt == self._salt else {}
        )

    def output(self, template: str, context: dict[str, Any] | Deferred) -> str:
        """The digest of one output: salt (theme and code), template and context (or its key)."""
        parts = [self._salt, template.encode()]
        if isinstance(context, Deferred):
            parts.append(b"deferred")
            for value in context.key:
                parts.append(self._value(value))
        else:
            for key, value in context.items():
                parts.append(key.encode())
                parts.append(self._value(value))
        return hashlib.blake2b(_SEPARATOR.join(parts), digest_size=16).hexdigest()

    def _value(self, value: Any) -> bytes:
        kind = type(value)
        if kind is str:
            encoded = value.encode()
            return b"s%d:%s" % (len(encoded), encoded)
        if kind is int or kind is bool or value is None or kind is float:
            return repr(value).encode()
        if kind is datetime:  # pickling an aware datetime is surprisingly slow
            stamp: str = value.isoformat()
            return stamp.encode()
        if (kind is tuple or kind is list) and value and type(value[0]) is not str:
            return b"[" + _SEPARATOR.join(self._value(item) for item in value) + b"]"
        # The memo keeps the object alive, so that its id is not reused within the build.
        known = self._memo.get(id(value))
        if known is None or known[0] is not value:
            known = self._previous.get(id(value))
            if known is not None and known[0] is value:
                self._memo[id(value)] = known
                return known[1]
            data = pickle.dumps(value, protocol=_PROTOCOL)
            known = (value, hashlib.blake2b(data, digest_size=16).digest())
            self._memo[id(value)] = known
        return known[1]
