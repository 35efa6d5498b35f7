"""axe-core (vendored, test-only) run in a Playwright page: the accessibility rules it breaks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
# WCAG 2.x A and AA, and axe's best practices (headings, landmarks, ...)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page: Any) -> list[str]:
    """Every axe violation on the page, one line each: rule, impact and the elements."""
    # evaluated through the debugging protocol, which a Content-Security-Policy (as `kwai serve`
    # sends) does not block, unlike an injected script tag
    page.evaluate(f"() => {{ {AXE.read_text(encoding='utf-8')}\n}}")
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
        TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in found]
