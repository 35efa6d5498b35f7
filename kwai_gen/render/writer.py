"""Render a gathered club into a new release with Pelican, re-rendering only what changed.

Pelican reads the hand-written Markdown pages of content/, copies the theme's assets and images,
and gives us its Jinja2 environment over the theme; our generator (a Pelican generator plugged in
through the `get_generators` signal) writes the pages planned from the database. Each output's
digest (template, context, theme) is compared with the live release's manifest: equal means the
live file is hard-linked instead of rendered.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, select_autoescape

from kwai_gen import release as releases
from kwai_gen.forked import ChildFailed, Explained, Forked, die_with_parent
from kwai_gen.model import ContentPage, Text
from kwai_gen.plan.outputs import Output, SiteInfo


class BuildFailed(Explained):
    """A build that could not finish; the live site is unchanged. The message says why (for a
    page that failed to render: the template, its line and the page)."""

    build_id: int | None = None  # the record of the failed build, once it is recorded


@dataclass(frozen=True)
class RenderJob:
    """Everything a render needs, as plain data: a forked child renders from it.

    `outputs` are the files to render (every planned one for a full build); every other file of
    `manifest` is the live release's and is linked from it.
    """

    outputs: list[Output]
    manifest: dict[str, str]  # every planned file -> its digest
    removed: frozenset[str]  # planned files of the live release the new one has not
    site: SiteInfo
    output: Path  # site/ (releases and `current` live here)
    theme: Path
    content: Path
    full: bool = False
    search: bool = True
    # Write a stale search index now; else the live index is kept and the release is marked
    # stale, for a later build to index (the server publishes edits first, indexes after).
    index_now: bool = True
    live_manifest: dict[str, str] | None = None  # the live release's, when the builder knows it


@dataclass(frozen=True)
class RenderResult:
    """What a render did."""

    release: str
    written: int
    unchanged: int
    deleted: int
    searched: bool
    search_stale: bool = False  # the search index lags behind the pages


@dataclass
class _Outcome:
    manifest: dict[str, str]
    written: int = 0
    unchanged: int = 0
    search_changed: bool = False


def render(job: RenderJob) -> RenderResult:
    """Build a new release from `job` and make it live; on any failure the live site stays."""
    # A build allocates many small objects and frees them all at the end; the cyclic garbage
    # collector would scan the whole (large) heap again and again meanwhile for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _render(job)
    finally:
        if collecting:
            gc.enable()


def _render(job: RenderJob) -> RenderResult:
    release = releases.start(job.output, job.live_manifest)
    # The live search index is linked into the new release by a child on the other core while
    # this one renders (a thread would wait for the GIL); it is replaced below if the
    # searchable pages changed.
    index_copy = None
    if job.search and _has_index(release.previous):
        index_copy = Forked(_reuse_index, release)
    try:
        try:
            outcome = _run_pelican(job, release)
        finally:
            if index_copy is not None:
                index_copy.result()
        stale = job.search and (
            outcome.search_changed or release.previous_search_stale or index_copy is None
        )
        searched = stale and (job.index_now or index_copy is None)
        if searched:
            shutil.rmtree(release.staging / "pagefind", ignore_errors=True)
            _index(release.staging)
        written, unchanged, deleted = releases.dedupe_extras(release, outcome.manifest)
        releases.publish(release, outcome.manifest, search_stale=stale and not searched)
    except BaseException as error:
        releases.abandon(release)
        if isinstance(error, BuildFailed | KeyboardInterrupt):
            raise
        raise BuildFailed(f"{type(error).__name__}: {error}") from error
    return RenderResult(
        release=release.id,
        written=outcome.written + written,
        unchanged=outcome.unchanged + unchanged,
        deleted=deleted,
        searched=searched,
        search_stale=stale and not searched,
    )


def update(job: RenderJob, env: Any, release: releases.Release) -> RenderResult:
    """Render an edit's files into `release` (a copy of the live one) and make it live.

    Runs in the process that planned (no Pelican run: its assets and content pages are the live
    release's); on any failure the live site stays as it was.
    """
    from kwai_gen.render.formats import RENDERERS

    try:
        outcome = _Outcome(manifest=job.manifest)
        for path in job.removed:
            release.remove(path)
        _render_all(env, RENDERERS, release, job.outputs, outcome)
        stale = job.search and (
            outcome.search_changed
            or release.previous_search_stale
            or any(path.endswith(".html") for path in job.removed)
        )
        searched = stale and job.index_now
        if searched:
            shutil.rmtree(release.staging / "pagefind", ignore_errors=True)
            _index(release.staging)
        releases.publish(release, job.manifest, search_stale=stale and not searched)
    except BaseException as error:
        releases.abandon(release)
        if isinstance(error, BuildFailed | KeyboardInterrupt):
            raise
        raise BuildFailed(f"{type(error).__name__}: {error}") from error
    return RenderResult(
        release=release.id,
        written=outcome.written,
        unchanged=len(job.manifest) - outcome.written,
        deleted=len(job.removed),
        searched=searched,
        search_stale=stale and not searched,
    )


def stored_image(context: dict[str, Any], release: releases.Release, path: str) -> None:
    """Link one sized file of an uploaded image into the release.

    Its name is a digest of its content, so the same file is linked into every release: an edit
    never rewrites an image, and a sync sends only new ones.
    """
    source = Path(context["store"]) / context["file"]
    target = release.staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise BuildFailed(
            f"the file {context['file']} of image {context['image']} is missing from the image"
            " store"
        ) from None
    except OSError:  # the store is on another file system
        shutil.copyfile(source, target)


def environment(site: SiteInfo, theme: Path, content: Path, output: Path) -> Any:
    """Pelican's Jinja2 environment over the theme, for rendering without a Pelican run."""
    from kwai_gen.render.pelican_generator import KwaiGenerator

    settings = pelican_settings(site, theme, content, output)
    return KwaiGenerator({}, settings, str(content), settings["THEME"], str(output)).env


def read_content_pages(site: SiteInfo, theme: Path, content: Path) -> tuple[ContentPage, ...]:
    """The hand-written pages of content/, read by Pelican's readers as a Pelican run would."""
    from pelican.generators import PagesGenerator
    from pelican.log import console

    console.quiet = True
    settings = pelican_settings(site, theme, content, content)
    context: dict[str, Any] = {
        **settings,
        "generated_content": {},
        "static_links": set(),
        "static_content": {},
        "localsiteurl": settings["SITEURL"],
    }
    pages = PagesGenerator(context, settings, str(content), settings["THEME"], str(content))
    pages.generate_context()
    return content_pages(list(pages.pages) + list(pages.hidden_pages))


def warm(job: RenderJob) -> None:
    """Fill the renderer's caches in a long-lived process before it forks a render: each
    forked child then starts warm (theme digest, the languages' date formats)."""
    from babel.dates import format_date

    from kwai_gen.plan.frames import language_name

    theme_digest(job.theme)
    for lang in job.site.languages:
        format_date(datetime(2026, 1, 1), "long", locale=job.site.locale_of(lang))
        language_name(lang)


def _run_pelican(job: RenderJob, release: releases.Release) -> _Outcome:
    from pelican import Pelican, signals
    from pelican.log import console

    console.quiet = True
    signals.get_generators.connect(_kwai_generator)
    settings = pelican_settings(
        job.site,
        job.theme,
        job.content,
        release.staging,
        KWAI_WRITE=lambda env: write_outputs(env, job, release),
        KWAI_OUTCOME=[],
    )
    Pelican(settings).run()
    outcomes: list[_Outcome] = settings["KWAI_OUTCOME"]
    if not outcomes:
        raise BuildFailed("the kwai generator did not run")
    return outcomes[0]


def pelican_settings(
    site: SiteInfo, theme: Path, content: Path, output: Path, **extra: Any
) -> dict[str, Any]:
    """Pelican's settings for the site: what it reads, the theme and our Jinja2 filters."""
    from pelican.settings import read_settings

    from kwai_gen.render.filters import FILTERS

    settings: dict[str, Any] = read_settings(
        None,
        override={
            "PATH": str(content),
            "THEME": str(theme),
            "OUTPUT_PATH": str(output),
            "SITEURL": site.url,
            "SITENAME": site.name,
            "DEFAULT_LANG": site.default_language,
            "TIMEZONE": site.timezone,
            "ARTICLE_PATHS": ["articles"],
            "PAGE_PATHS": ["pages"],
            "STATIC_PATHS": ["images"],
            "STATIC_CREATE_LINKS": True,
            "PAGE_SAVE_AS": "",
            "PAGE_LANG_SAVE_AS": "",
            "DIRECT_TEMPLATES": [],
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None,
            "AUTHOR_FEED_RSS": None,
            "TRANSLATION_FEED_ATOM": None,
            "CATEGORY_SAVE_AS": "",
            "TAG_SAVE_AS": "",
            "AUTHOR_SAVE_AS": "",
            "ARTICLE_SAVE_AS": "",
            "ARTICLE_LANG_SAVE_AS": "",
            "DELETE_OUTPUT_DIRECTORY": False,
            "CACHE_CONTENT": False,
            "JINJA_ENVIRONMENT": {"autoescape": select_autoescape(), "extensions": []},
            "JINJA_FILTERS": FILTERS,
            **extra,
        },
    )
    return settings


def _kwai_generator(pelican: Any) -> type:
    from kwai_gen.render.pelican_generator import KwaiGenerator

    return KwaiGenerator


def content_pages(pelican_pages: list[Any]) -> tuple[ContentPage, ...]:
    """The hand-written pages Pelican read, grouped by slug with a text per language."""
    by_slug: dict[str, dict[str, Text]] = {}
    for page in pelican_pages:
        for item in (page, *getattr(page, "translations", [])):
            summary = getattr(item, "summary", "") or ""
            by_slug.setdefault(item.slug, {})[item.lang] = Text(
                item.lang, item.title, str(summary), item.content
            )
    return tuple(ContentPage(slug, texts) for slug, texts in sorted(by_slug.items()))


def write_outputs(env: Any, job: RenderJob, release: releases.Release) -> _Outcome:
    """Render the job's outputs, link every other planned file from the live release."""
    from kwai_gen.render.formats import RENDERERS

    outcome = _Outcome(manifest=job.manifest)
    if release.previous and not job.full:
        missing = releases.clone_live(release) - {o.path for o in job.outputs} - job.removed
        if missing:
            raise BuildFailed(
                f"{len(missing)} files of the live release are missing (such as"
                f" /{sorted(missing)[0]}); a full build (kwai build --full) makes them again"
            )
    _render_all(env, RENDERERS, release, job.outputs, outcome)
    for path in job.removed:
        release.remove(path)
    outcome.unchanged = len(outcome.manifest) - outcome.written
    if any(path.endswith(".html") for path in job.removed):
        outcome.search_changed = True
    return outcome


# Past this many pages to render (a full build, a theme change), the second core renders half.
PARALLEL_FROM = 400


def _render_all(
    env: Any,
    renderers: dict[str, Any],
    release: releases.Release,
    outputs: list[Output],
    outcome: _Outcome,
) -> None:
    """Render outputs, half of them in a forked child when there are many."""
    if len(outputs) < PARALLEL_FROM:
        for output in outputs:
            _render_into(env, renderers, release, output, outcome)
        return
    second = Forked(_render_half, env, renderers, release, outputs[1::2])
    try:
        for output in outputs[::2]:
            _render_into(env, renderers, release, output, outcome)
    finally:  # wait for the second process even when this one failed
        try:
            written, search_changed = second.result()
        except ChildFailed as error:
            raise BuildFailed(str(error)) from None
    outcome.written += written
    outcome.search_changed = outcome.search_changed or search_changed


def _render_half(
    env: Any, renderers: dict[str, Any], release: releases.Release, outputs: list[Output]
) -> tuple[int, bool]:
    """Render some outputs (in the second process); the files written and whether the
    searchable pages changed."""
    outcome = _Outcome(manifest={})
    for output in outputs:
        _render_into(env, renderers, release, output, outcome)
    return outcome.written, outcome.search_changed


def _render_into(
    env: Any,
    renderers: dict[str, Any],
    release: releases.Release,
    output: Output,
    outcome: _Outcome,
) -> None:
    if output.template == "stored_image":
        stored_image(output.made(), release, output.path)
        outcome.written += 1
        return
    try:
        context = output.made()
        if output.template in renderers:
            content = renderers[output.template](context)
        else:
            content = env.get_template(output.template).render(**context).encode("utf-8")
    except Exception as error:
        raise BuildFailed(failed_page(error, output)) from error
    if release.same_as_live(output.path, content):
        release.reuse(output.path)
        return
    release.write(output.path, content)
    outcome.written += 1
    if output.path.endswith(".html") and b"data-pagefind-body" in content:
        outcome.search_changed = True


def failed_page(error: Exception, output: Output) -> str:
    """What went wrong rendering a page: the template and line where it broke, and the page."""
    where = output.template
    if isinstance(error, TemplateSyntaxError) and error.lineno:
        where = f"{error.name or error.filename or output.template}, line {error.lineno}"
    else:  # Jinja2 puts the template's own lines into the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if _is_template(f.filename)]
        if frames:
            where = f"{_template_name(frames[-1].filename)}, line {frames[-1].lineno}"
    return f"{where}, page /{output.path}: {type(error).__name__}: {error}"


def _is_template(filename: str) -> bool:
    return not filename.endswith(".py") and not filename.startswith("<")


def _template_name(filename: str) -> str:
    """The template's name as the theme knows it: its path under templates/."""
    parts = Path(filename).parts
    if "templates" not in parts:
        return Path(filename).name
    return "/".join(parts[len(parts) - parts[::-1].index("templates") :])


_theme_digests: dict[tuple[str, float], str] = {}


def theme_digest(theme: Path) -> str:
    """A digest of the templates and of the code that renders: a change re-renders all."""
    import kwai_gen

    sources = sorted((theme / "templates").rglob("*")) + sorted(
        Path(kwai_gen.__file__).parent.rglob("*.py")
    )
    files = [p for p in sources if p.is_file()]
    key = (str(theme), max((p.stat().st_mtime for p in files), default=0.0))
    if key not in _theme_digests:
        hasher = hashlib.blake2b(digest_size=16)
        for path in files:
            hasher.update(path.name.encode())
            hasher.update(path.read_bytes())
        _theme_digests[key] = hasher.hexdigest()
    return _theme_digests[key]


def _has_index(previous: Path | None) -> bool:
    return previous is not None and (previous / "pagefind" / "pagefind.js").exists()


def _reuse_index(release: releases.Release) -> None:
    assert release.previous is not None
    source = release.previous / "pagefind"
    for directory, _, files in os.walk(source):
        target = release.staging / Path(directory).relative_to(release.previous)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(directory, name), target / name)


def _index(site: Path) -> None:
    """Write the Pagefind search index of the release into /pagefind/."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind_bin", "--site", str(site), "--silent"],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=functools.partial(die_with_parent, os.getpid()),
    )
    if result.returncode != 0:
        raise BuildFailed(f"the search index failed: {result.stderr.strip() or result.stdout}")
