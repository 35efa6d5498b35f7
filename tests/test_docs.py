"""The README documents every setting: its Settings section holds each key, with a comment."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from kwai_api.core.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def settings_block() -> str:
    """The TOML example of README's Settings section."""
    section = README.read_text().split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert found is not None, "README's Settings section has no TOML block"
    return found.group(1)


def commented_keys(block: str) -> set[str]:
    """ "[section] key" of every line of the block that sets a key and says what it is."""
    keys, section = set(), ""
    for line in block.splitlines():
        if header := re.match(r"\[(\w+)\]", line):
            section = header.group(1)
        elif setting := re.match(r"(\w+) = [^#]*#\s*\S", line):
            keys.add(f"[{section}] {setting.group(1)}")
    return keys


def test_every_setting_is_documented_in_the_readme(tmp_path: Path) -> None:
    block = settings_block()
    documented = commented_keys(block)
    defaults = Settings()
    undocumented = [
        f"[{section.name}] {'from' if item.name == 'sender' else item.name}"
        for section in fields(Settings)
        if section.name != "demo"  # set by `kwai demo`, not by the settings file
        for item in fields(getattr(defaults, section.name))
    ]
    undocumented = [key for key in undocumented if key not in documented]
    assert not undocumented, f"settings without a commented line in README: {undocumented}"
    example = tmp_path / "kwai.toml"
    example.write_text(block)
    Settings.load(example, env={})  # the example itself is valid
