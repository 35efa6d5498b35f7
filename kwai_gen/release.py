"""Releases: each build writes a new directory, then `current` is switched to it atomically.

site/
  current -> releases/<id>          the live site (a relative symlink)
  releases/<id>/                    a complete site
  releases/<id>.manifest.json       digest of each generated file (what decides re-rendering)
  releases/<id>.search-stale        present while the release's search index lags its pages
  releases/.<id>.building/          a build in progress

Files whose content did not change are hard links to the live release's files, so a sync or CDN
upload after an edit sends only what changed, and a new release costs little disk. Every text
file has its gzip form beside it (`index.html.gz`), written with the file and linked with it.

An edit's release is made without linking every file again: an older release, replaced a few
seconds ago and no longer served, is recycled (renamed into the new build directory and brought
up to date by re-linking the files that changed since it was made), and only when none is at
hand is the live release copied as links (`cp -al`).
"""

from __future__ import annotations

import collections
import contextlib
import filecmp
import itertools
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kwai_gen.serving import GZIP_SUFFIX, gzipped, is_gzip_form, is_text


@dataclass
class Release:
    """A release being built next to the live one."""

    root: Path  # site/
    id: str
    previous: Path | None  # the live release directory, if any
    previous_manifest: dict[str, str] = field(default_factory=dict)
    previous_search_stale: bool = False  # the live release's search index lags its pages

    @property
    def releases(self) -> Path:
        """Where every release lives."""
        return self.root / "releases"

    @property
    def staging(self) -> Path:
        """The directory the build writes into; it becomes the release when published."""
        return self.releases / f".{self.id}.building"

    @property
    def final(self) -> Path:
        """The directory of the published release."""
        return self.releases / self.id

    def __post_init__(self) -> None:
        # Plain strings: path objects cost more than the link itself over 25,000 files.
        self._staging = str(self.staging) + os.sep
        self._previous = str(self.previous) + os.sep if self.previous else None
        self._folders: set[str] = set()  # made already: a full build writes 25,000 files

    def reuse(self, path: str) -> bool:
        """Hard-link the live release's file at `path` (and its gzip form) into this release;
        False if impossible."""
        if not self._link(path):
            return False
        if is_text(path):
            self.precompress(path, reused=True)
        return True

    def _link(self, path: str) -> bool:
        if self._previous is None:
            return False
        source, target = self._previous + path, self._staging + path
        try:
            os.link(source, target)
        except FileExistsError:
            pass  # written (or linked) already
        except FileNotFoundError:
            if not os.path.exists(source):
                return False
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.link(source, target)
        return True

    def precompress(self, path: str, reused: bool) -> None:
        """Give the text file at `path` its gzip form: the live one's when the file is the live
        one's (`reused`), else a new one."""
        if reused and self._link(path + GZIP_SUFFIX):
            return
        with open(self._staging + path, "rb") as file:
            self._write(path + GZIP_SUFFIX, gzipped(file.read()))

    def same_as_live(self, path: str, content: bytes) -> bool:
        """True when the live release holds exactly `content` at `path`."""
        if self._previous is None:
            return False
        try:
            with open(self._previous + path, "rb") as live:
                return live.read() == content
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False

    def write(self, path: str, content: bytes) -> None:
        """Write a new file into the release.

        Through a new file renamed into place: the path may hold a link to the live release's
        file, which must never be written into.
        """
        self._write(path, content)
        if is_text(path):
            self._write(path + GZIP_SUFFIX, gzipped(content))

    def _write(self, path: str, content: bytes) -> None:
        target = self._staging + path
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        try:  # a new path (every path of a full build): written in place, one call fewer
            with open(target, "xb") as file:
                file.write(content)
            return
        except FileExistsError:
            pass  # perhaps a link to the live release's file: replaced, never written into
        temporary = f"{target}.{os.getpid()}.tmp"
        with open(temporary, "wb") as file:
            file.write(content)
        os.replace(temporary, target)

    def remove(self, path: str) -> None:
        """Remove a file from the release (one the live release had, the new one has not)."""
        for name in (path, path + GZIP_SUFFIX):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._staging + name)
        # and the directories it leaves empty, as a full build would not make them
        parent = os.path.dirname(self._staging + path)
        while len(parent) >= len(self._staging):
            try:
                os.rmdir(parent)
            except OSError:  # not empty (or gone)
                break
            self._folders.discard(parent)
            parent = os.path.dirname(parent)


def clone_live(release: Release) -> set[str]:
    """Link the live release's planned files into the new release; the paths it lacked.

    Run in a child process before the pages are planned and hashed, so it uses the other core
    meanwhile; the build then replaces the few files that changed (never writing into a linked
    file) and removes those the new plan no longer has.
    """
    return {path for path in sorted(release.previous_manifest) if not release.reuse(path)}


def live_release(root: Path) -> Path | None:
    """The directory `current` points at, or None before the first build."""
    current = root / "current"
    if not current.is_symlink() and not current.exists():
        return None
    return current.resolve()


def read_manifest(release: Path | None) -> dict[str, str]:
    """The digest of each planned file of a release ({} when unknown)."""
    if release is None:
        return {}
    try:
        manifest: dict[str, str] = json.loads(
            Path(f"{release}.manifest.json").read_text(encoding="utf-8")
        )
    except (FileNotFoundError, ValueError):
        return {}
    return manifest


def start(root: Path, manifest: dict[str, str] | None = None) -> Release:
    """Prepare a new, empty release next to the live one (`manifest`: the live one's, when
    the caller knows it)."""
    releases = root / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    release_id = _new_id(releases)
    previous = live_release(root)
    if manifest is None:
        manifest = read_manifest(previous)
    stale = previous is not None and Path(f"{previous}.search-stale").exists()
    release = Release(root, release_id, previous, manifest, stale)
    if release.staging.exists():
        shutil.rmtree(release.staging)
    release.staging.mkdir()
    return release


def _new_id(releases: Path) -> str:
    """A release id that sorts after every earlier one."""
    release_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    while (releases / release_id).exists():
        time.sleep(0.000001)
        release_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return release_id


# Recycling renames a replaced release and pruning removes one: never both at once.
_recycling = threading.Lock()


class Readers:
    """The releases that requests of this process are reading now.

    `kwai serve` resolves `current` once per request and reads that release until the response
    is sent; a release being read is never recycled under it, however recently it was replaced.
    (Other web servers open each file through `current`, and a file they opened stays whole.)
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._reading: collections.Counter[str] = collections.Counter()

    @contextlib.contextmanager
    def reading(self, current: str) -> Iterator[str]:
        """The release `current` points at now, kept from recycling until the block ends."""
        with self.lock:
            release = os.path.realpath(current)
            self._reading[release] += 1
        try:
            yield release
        finally:
            with self.lock:
                self._reading[release] -= 1
                if not self._reading[release]:
                    del self._reading[release]

    def busy(self, release: Path) -> bool:
        """Whether a request reads `release` (call with `lock` held)."""
        return os.path.realpath(release) in self._reading


readers = Readers()


def copy_of_live(
    root: Path,
    manifest: dict[str, str],
    recycle: str | None = None,
    stale: Iterable[str] = (),
) -> Release:
    """A new release holding exactly the live release's files, ready for an edit's changes.

    With `recycle`, that older release is renamed into the new build directory and the paths in
    `stale` (every file that differs between it and the live release) are linked again from the
    live one; without it, or when it is gone, the live release is copied as hard links.
    """
    releases = root / "releases"
    previous = live_release(root)
    if previous is None:
        raise FileNotFoundError("there is no live release to start from")
    search_stale = Path(f"{previous}.search-stale").exists()
    release = Release(root, _new_id(releases), previous, manifest, search_stale)
    if release.staging.exists():
        shutil.rmtree(release.staging)
    recycled = False
    if recycle is not None:
        with _recycling, readers.lock:
            old = releases / recycle
            if old.is_dir() and old.resolve() != previous and not readers.busy(old):
                Path(f"{old}.manifest.json").unlink(missing_ok=True)
                Path(f"{old}.search-stale").unlink(missing_ok=True)
                os.rename(old, release.staging)
                recycled = True
    if recycled:
        for path in stale:
            release.remove(path)
            release.reuse(path)
    else:
        subprocess.run(["cp", "-al", str(previous), str(release.staging)], check=True)
    return release


def dedupe_extras(release: Release, manifest: dict[str, str]) -> tuple[int, int, int]:
    """Count and dedupe the files the planner did not make (theme assets, images, search index).

    Pelican and Pagefind write these on every run; each one identical to the live release's is
    replaced by a hard link to it. Returns (written, unchanged, deleted), deleted counting every
    file of the live release, planned or not, that the new release no longer has. Text files
    get their gzip form, linked from the live release with the file.
    """
    # uploaded images are planned, but share images/ with the content's own images
    planned_tops = {path.split("/", 1)[0] for path in manifest} - {"images"}
    extras = _extras(release.staging, planned_tops)
    written = unchanged = 0
    staging, previous = release._staging, release._previous
    for relative in extras:
        path = staging + relative
        reused = previous is not None and _same_or_linked(path, previous + relative)
        if reused:
            unchanged += 1
        else:
            written += 1
        if is_text(relative):
            release.precompress(relative, reused)
    deleted = len(set(release.previous_manifest) - set(manifest))
    if release.previous is not None:
        deleted += len(set(_extras(release.previous, planned_tops)) - set(extras))
    return written, unchanged, deleted


def _same_or_linked(path: str, live: str) -> bool:
    """True when `path` is the `live` file, or has its content and is made a link to it."""
    try:
        if os.path.samefile(path, live):
            return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    if os.path.isfile(live) and filecmp.cmp(path, live, shallow=False):
        os.unlink(path)
        os.link(live, path)
        return True
    return False


def _extras(root: Path, planned_tops: set[str]) -> list[str]:
    """Files below `root` outside the top-level names that planned outputs use (gzip forms
    aside: they follow their file)."""
    found = []
    for entry in os.scandir(root):
        if entry.name in planned_tops:
            continue
        if entry.is_dir(follow_symlinks=False):
            prefix = len(str(root)) + 1
            for directory, _, names in os.walk(entry.path):
                found += [
                    os.path.join(directory, name)[prefix:].replace(os.sep, "/")
                    for name in names
                    if not is_gzip_form(name)
                ]
        elif not is_gzip_form(entry.name):
            found.append(entry.name)
    return found


def publish(release: Release, manifest: dict[str, str], search_stale: bool = False) -> None:
    """Make the release live in one atomic step, then record its manifest.

    The manifest is written after the switch, so that writing it never delays an edit going
    live; a release left without one (the process died in between) is rendered again in full by
    the next build, which finds nothing to compare with.
    """
    if search_stale:
        Path(f"{release.final}.search-stale").touch()
    release.staging.rename(release.final)
    link = release.root / ".current.tmp"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path("releases") / release.id)
    os.replace(link, release.root / "current")
    Path(f"{release.final}.manifest.json").write_text(
        json.dumps(manifest, separators=(",", ":")), encoding="utf-8"
    )


def abandon(release: Release) -> None:
    """Remove what a failed build wrote; the live site is untouched."""
    shutil.rmtree(release.staging, ignore_errors=True)
    if live_release(release.root) != release.final.resolve():  # failed before the switch
        shutil.rmtree(release.final, ignore_errors=True)
        Path(f"{release.final}.manifest.json").unlink(missing_ok=True)
        Path(f"{release.final}.search-stale").unlink(missing_ok=True)


def abandon_all(root: Path) -> None:
    """Remove every build directory under `root`: a killed build could not remove its own.

    Only for the one process that builds (the owner of the database) when none is running.
    """
    for building in (root / "releases").glob(".*.building"):
        shutil.rmtree(building, ignore_errors=True)
    for spare in (root / "releases").glob(".spare-*"):  # copies a former process kept ready
        shutil.rmtree(spare, ignore_errors=True)


# A replaced release stays at least this long, whatever `keep`: `kwai serve` resolves the live
# release once per request and opens the file a moment later, and that file must still be there.
REPLACED_KEPT_SECONDS = 60.0
# A replaced release may be recycled into a new one this long after it was replaced (and when no
# request of this process reads it: Readers): longer than another process takes from resolving
# `current` to opening a file, short enough that a burst of edits finds one to recycle.
RECYCLE_AFTER_SECONDS = 0.5

# A build directory left this long ago belongs to a build that was killed, not one running.
ABANDONED_AFTER_SECONDS = 3600


def prune(root: Path, keep: int) -> None:
    """Keep the newest `keep` releases (never the live one); remove killed builds' leftovers."""
    releases = root / "releases"
    live = live_release(root)
    for building in releases.glob(".*.building"):
        if time.time() - building.stat().st_mtime > ABANDONED_AFTER_SECONDS:
            shutil.rmtree(building, ignore_errors=True)
    for pruning in releases.glob(".*.pruning"):  # a prune that was stopped half way
        shutil.rmtree(pruning, ignore_errors=True)
    found = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    # Each release was replaced when the next one was published (its manifest written then).
    replaced_at = {older: _published_at(newer) for older, newer in itertools.pairwise(found)}
    for old in found[: max(0, len(found) - keep)]:
        if live is not None and old.resolve() == live:
            continue
        if time.time() - replaced_at.get(old, 0.0) < REPLACED_KEPT_SECONDS:
            continue  # a request that resolved `current` just before the switch may read it
        doomed = releases / f".{old.name}.pruning"
        with _recycling:
            if not old.is_dir():
                continue  # recycled meanwhile
            os.rename(old, doomed)
        Path(f"{old}.manifest.json").unlink(missing_ok=True)
        Path(f"{old}.search-stale").unlink(missing_ok=True)
        shutil.rmtree(doomed, ignore_errors=True)


def _published_at(release: Path) -> float:
    """When `release` went live (the time its manifest was written); 0 when unknown."""
    try:
        return Path(f"{release}.manifest.json").stat().st_mtime
    except FileNotFoundError:
        return 0.0
