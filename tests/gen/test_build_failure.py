"""A page that fails to render: the failure names the template, its line and the page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kwai_api.core.database import Database
from kwai_gen.build import BuildFailed, RenderWorker, build_site, site_info
from kwai_gen.gather import gather
from kwai_gen.plan.site import plan
from tests.conftest import NOW, make_settings

THEME = Path(__file__).resolve().parents[2] / "theme"


def test_a_broken_template_is_reported_with_its_line_and_page(tmp_path: Path, db: Database) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    template = theme / "templates" / "coaches.html"
    lines = template.read_text().splitlines()
    lines.insert(2, "<p>{{ week_info.days }}</p>")  # line 3: a variable no page is given
    template.write_text("\n".join(lines) + "\n")
    settings = make_settings(tmp_path, KWAI_SITE_THEME=str(theme))

    with pytest.raises(BuildFailed) as failure:  # rendered in a forked child, as the server does
        build_site(settings, db, now=NOW, worker=RenderWorker())

    story = re.fullmatch(
        r"coaches\.html, line 3, page /(\S+): UndefinedError: 'week_info' is undefined",
        str(failure.value),
    )
    assert story is not None, str(failure.value)
    pages = {
        o.path for o in plan(gather(db, NOW), site_info(settings)) if o.template == "coaches.html"
    }
    assert story.group(1) in pages
    recorded = db.fetchone(
        "SELECT status, error FROM site_builds WHERE id = ?", [failure.value.build_id]
    )
    assert recorded == {"status": "failed", "error": str(failure.value)}
    assert not (settings.site.output / "current").exists()
