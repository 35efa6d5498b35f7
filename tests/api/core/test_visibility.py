"""The shared rules: which locale's text is shown, for the API and the generator alike."""

from __future__ import annotations

from kwai_api.core.visibility import shown_locale
from kwai_gen.model import Text, text_for


def test_the_shown_locale_follows_the_order_then_the_alphabet() -> None:
    assert shown_locale({"en", "nl"}, ("nl", "en")) == "nl"
    assert shown_locale({"en"}, ("nl", "en")) == "en"
    assert shown_locale({"fr", "de"}, ("nl", "en")) == "de"
    assert shown_locale(set(), ("nl", "en")) is None


def test_the_generator_falls_back_by_the_same_rule() -> None:
    texts = {"fr": Text("fr", "Bonjour"), "de": Text("de", "Hallo")}
    assert text_for(texts, "nl", ("nl", "en")).text.title == "Hallo"
    assert text_for(texts, "fr", ("nl", "en")).fallback is False
    assert text_for({}, "nl", ("nl", "en")).text == Text("nl", "")
