"""axe-core for the accessibility tests: the npm package's axe.min.js at a pinned version,
fetched once with `npm pack` (npm checks the package's integrity) into test-output/cache/."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from tests.support.browser import ROOT, unavailable

AXE_VERSION = "4.10.2"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CACHE = ROOT / "test-output" / "cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"


def axe_source() -> str:
    """The text of axe.min.js (skips, or fails in CI, when npm cannot fetch it)."""
    if not CACHE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed (apt-get install npm), so axe-core cannot be fetched")
        with tempfile.TemporaryDirectory() as folder:
            packed = subprocess.run(
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--json", "--pack-destination", folder],
                capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
            )
            if packed.returncode != 0:
                unavailable(f"npm pack axe-core@{AXE_VERSION} failed: {packed.stderr[-500:]}")
            name = json.loads(packed.stdout)[0]["filename"]
            with tarfile.open(Path(folder) / name) as archive:
                member = archive.extractfile("package/axe.min.js")
                assert member is not None
                CACHE.parent.mkdir(parents=True, exist_ok=True)
                CACHE.write_bytes(member.read())
    return CACHE.read_text(encoding="utf-8")


def violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A and AA, and best practice)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the debugging protocol: the site's CSP allows no inline script
        page.evaluate(f"() => {{ {axe_source()}\n}}")
    found = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map((v) => `${v.id}: ${v.help} — ` +
            v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
    }""", TAGS)
    return list(found)
