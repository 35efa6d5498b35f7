"""What one text costs to render: ordinary Markdown, and the quadratic "[a](" that the budget stops.

python bench/markup.py
"""

from __future__ import annotations

import time

from kwai_api.core.markup import BUDGET_SECONDS, INLINE_CHARS, MAX_CHARS, MarkupError, to_html


def timed(label: str, text: str) -> None:
    """Print how long rendering `text` took and whether it was refused."""
    started = time.perf_counter()
    try:
        to_html(text)
        outcome = "rendered"
    except MarkupError as error:
        outcome = f"refused: {error}"
    print(f"{label:<34} {len(text):>8} chars {time.perf_counter() - started:7.2f} s  {outcome}")


def main() -> None:
    """Print the figures."""
    print(f"inline up to {INLINE_CHARS} chars, at most {MAX_CHARS}, budget {BUDGET_SECONDS} s")
    timed("paragraphs, inline", "Een *korte* tekst.\n\n" * 50)
    timed("paragraphs, in a child process", "Een *lange* tekst met [link](/x).\n\n" * 2000)
    for n in (400, 1_000, 4_000, 8_000, 24_000, 50_001):
        timed(f'"[a](" * {n}', "[a](" * n)


if __name__ == "__main__":
    main()
