"""Planning only what an edit changed: the plan in groups, each kept with what it was made from.

A group is a few outputs (a story's page, one page of a news list, an agenda week) and the
values it was planned from (the story, the frame, its neighbours). The server keeps one PlanMemo
between builds: a group whose inputs equal last build's is not planned again, and its files keep
their digests, so an edit costs what it changes however many stories the club has. Model
objects are compared by identity first (an unchanged story is the same object build after build),
then by value.

Every output also belongs to a sitemap chunk (the stories of one year, or the rest of the site);
a chunk is written again only when the pages it lists changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kwai_gen.plan.digest import Digester
from kwai_gen.plan.outputs import Output

SITE_CHUNK = "site"
UNLISTED = frozenset({"404.html", "search.html"})  # pages that are not in the sitemap

# (language-neutral page path, last modified, (language, path) of each language version)
SitemapEntry = tuple[str, datetime | None, tuple[tuple[str, str], ...]]


@dataclass
class _Group:
    inputs: tuple[Any, ...]
    digests: dict[str, str]  # path -> digest
    chunk: str
    entries: tuple[SitemapEntry, ...]


@dataclass
class PlanMemo:
    """The plan of the last build in groups; `begin` a build, plan with `group`, then `end`."""

    salt: str = ""  # the theme and code digest: another one plans everything again
    default_language: str = ""
    groups: dict[Hashable, _Group] = field(default_factory=dict)
    manifest: dict[str, str] = field(default_factory=dict)  # every planned path -> digest
    owners: dict[str, Hashable] = field(default_factory=dict)  # planned path -> its group
    members: dict[str, set[Hashable]] = field(default_factory=dict)  # sitemap chunk -> groups
    values: dict[Hashable, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    chunks: dict[str, tuple[SitemapEntry, ...]] = field(default_factory=dict)
    # this build
    outputs: list[Output] = field(default_factory=list)  # planned (not reused) this build
    removed: set[str] = field(default_factory=set)  # paths last build had, this one has not
    _seen: set[Hashable] = field(default_factory=set)
    _dirty: set[str] = field(default_factory=set)
    _digester: Digester | None = None
    _loose: list[Output] = field(default_factory=list)
    _loose_paths: set[str] = field(default_factory=set)

    def begin(self, salt: str, default_language: str) -> None:
        """Start planning a build; a change of theme, code or language forgets everything."""
        if salt != self.salt or default_language != self.default_language:
            self.groups.clear()
            self.manifest.clear()
            self.owners.clear()
            self.members.clear()
            self.values.clear()
            self.chunks.clear()
        self.salt, self.default_language = salt, default_language
        self.outputs, self.removed, self._loose, self._loose_paths = [], set(), [], set()
        self._seen, self._dirty = set(), set()
        self._digester = Digester(salt, self._digester)

    def group(
        self,
        name: Hashable,
        inputs: tuple[Any, ...],
        make: Callable[[], list[Output]],
        chunk: str = SITE_CHUNK,
    ) -> list[Output]:
        """The outputs of a group, planned by `make` unless its inputs are last build's (then
        none are returned: they are unchanged)."""
        self._seen.add(name)
        known = self.groups.get(name)
        if known is not None and known.chunk == chunk and known.inputs == inputs:
            return []
        outputs = make()
        self._replace(name, _Group(inputs, self._digests(outputs), chunk, self._entries(outputs)))
        return outputs

    def value(self, name: Hashable, inputs: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A value shared by many outputs (a frame, the links of the sections), made again only
        when its inputs changed: the same object build after build keeps groups unchanged."""
        known = self.values.get(name)
        if known is not None and known[0] == inputs:
            return known[1]
        made = make()
        self.values[name] = (inputs, made)
        return made

    def last(self, name: Hashable) -> tuple[tuple[Any, ...], Any] | None:
        """The inputs and the value that `value` keeps under `name` (None before the first), for
        a value made again from its last one."""
        return self.values.get(name)

    def loose(self, outputs: Iterable[Output]) -> list[Output]:
        """Outputs planned on every build (small ones: the home page, the feeds)."""
        found = list(outputs)
        self._loose += found
        self._loose_paths.update(o.path for o in found)
        return found

    def is_planned(self, path: str) -> bool:
        """Whether some output of this build so far (or a kept group's) is at `path`."""
        return path in self.manifest or path in self._loose_paths

    def end(self) -> None:
        """Finish planning: forget the groups this build did not plan, settle loose outputs."""
        for name in [name for name in self.groups if name not in self._seen]:
            self._replace(name, None)
        loose = self._loose
        self._replace("loose", _Group((), self._digests(loose), SITE_CHUNK, self._entries(loose)))
        self._dirty.add(SITE_CHUNK)

    def sitemap_chunks(self) -> dict[str, tuple[SitemapEntry, ...]]:
        """The sitemap chunks whose pages changed this build, by name ({} when none did)."""
        changed = {}
        for chunk in sorted(self._dirty):
            names = self.members.get(chunk, set())
            entries = tuple(sorted(e for name in names for e in self.groups[name].entries))
            if self.chunks.get(chunk) != entries:
                changed[chunk] = entries
        for chunk, entries in changed.items():
            if entries:
                self.chunks[chunk] = entries
            else:
                del self.chunks[chunk]
        return changed

    def add(self, outputs: Iterable[Output]) -> list[Output]:
        """Outputs made after planning (the sitemap): recorded in the manifest as they are."""
        found = list(outputs)
        assert self._digester is not None
        for output in found:
            digest = self._digester.output(output.template, output.context)
            self.manifest[output.path] = digest
            self.owners[output.path] = "made after planning"
            self.removed.discard(output.path)
        self.outputs += found
        return found

    def drop(self, paths: Iterable[str]) -> None:
        """Files made after planning that are no longer made (a sitemap chunk gone empty)."""
        for path in paths:
            if self.manifest.pop(path, None) is not None:
                self.owners.pop(path, None)
                self.removed.add(path)

    def _digests(self, outputs: list[Output]) -> dict[str, str]:
        assert self._digester is not None
        self.outputs += outputs
        return {o.path: self._digester.output(o.template, o.context) for o in outputs}

    def _entries(self, outputs: list[Output]) -> tuple[SitemapEntry, ...]:
        return tuple(
            (o.page, o.modified, o.versions)
            for o in outputs
            if o.lang == self.default_language
            and o.page is not None
            and o.template.endswith(".html")
            and o.template not in UNLISTED
        )

    def _replace(self, name: Hashable, group: _Group | None) -> None:
        old = self.groups.pop(name, None)
        if old is not None:
            for path in old.digests:
                if self.owners.get(path) == name:
                    del self.manifest[path], self.owners[path]
                    self.removed.add(path)
            if old.entries:
                self._dirty.add(old.chunk)
                self.members[old.chunk].discard(name)
        if group is None:
            return
        self.groups[name] = group
        for path, digest in group.digests.items():
            owner = self.owners.get(path)
            if owner is not None and owner != name:
                if owner in self._seen:
                    raise ValueError(f"these site files are planned twice: {path}")
                self._replace(owner, None)  # planned again (and then clashing) or gone
            self.manifest[path] = digest
            self.owners[path] = name
            self.removed.discard(path)
        if group.entries:
            self._dirty.add(group.chunk)
            self.members.setdefault(group.chunk, set()).add(name)
