"""Digests of outputs: what decides whether a file must be rendered again.

A story appears in a dozen contexts (its page, lists, archives, feeds, in each language); each
model object is pickled and hashed once per build and its digest reused wherever it appears.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import is_dataclass
from typing import Any

_PROTOCOL = pickle.HIGHEST_PROTOCOL


class Digester:
    """Digests outputs of one build, remembering each model object's digest by identity."""

    def __init__(self, salt: str) -> None:
        self._salt = salt.encode()
        self._memo: dict[int, tuple[Any, bytes]] = {}

    def output(self, template: str, context: dict[str, Any]) -> str:
        """The digest of one output: salt (theme and code), template and context."""
        hasher = hashlib.blake2b(self._salt, digest_size=16)
        hasher.update(template.encode())
        self._feed(hasher, context)
        return hasher.hexdigest()

    def _feed(self, hasher: Any, value: Any) -> None:
        if is_dataclass(value) and not isinstance(value, type):
            hasher.update(self._object(value))
        elif isinstance(value, dict):
            hasher.update(b"{")
            for key, item in value.items():
                hasher.update(str(key).encode() + b":")
                self._feed(hasher, item)
            hasher.update(b"}")
        elif isinstance(value, list | tuple):
            hasher.update(b"[")
            for item in value:
                self._feed(hasher, item)
            hasher.update(b"]")
        else:
            hasher.update(pickle.dumps(value, protocol=_PROTOCOL))

    def _object(self, value: Any) -> bytes:
        # The memo keeps the object alive so that its id cannot be reused within the build.
        known = self._memo.get(id(value))
        if known is None or known[0] is not value:
            data = pickle.dumps(value, protocol=_PROTOCOL)
            known = (value, hashlib.blake2b(data, digest_size=16).digest())
            self._memo[id(value)] = known
        return known[1]
