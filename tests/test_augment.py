"""The optional unsourced simulation drops exactly the sourced sentences."""

from __future__ import annotations

import random

from credibly import augment

ARTICLE = "\n\n".join([
    "The city council approved the new budget on Monday after a long debate.",
    "Mayor Anna Berg said the plan would protect the libraries.",
    "The budget adds two reading rooms and longer opening hours.",
    "Construction of the first room starts in the spring.",
    "Council member Tom Reed told reporters that the costs were too high.",
    "The second room follows a year later.",
    "Opening hours change from the first of May.",
    "Staff will be hired for the evenings.",
    "The library board welcomed the decision.",
    "Parking near the main building remains free.",
])


def test_unsource_drops_sourced_sentences_only():
    out = augment.unsource(ARTICLE, random.Random(0), "en")
    assert out is not None
    assert "said" not in out and "told reporters" not in out
    assert "The budget adds two reading rooms" in out and "Parking near the main building" in out


def test_unsource_refuses_when_too_little_would_remain():
    sourced = "\n\n".join(f"Mayor Anna Berg said that item {i} was ready." for i in range(8))
    assert augment.unsource(sourced, random.Random(0), "en") is None


def test_unsource_refuses_text_without_sources():
    plain = "\n\n".join(f"The library opens room {i} in May." for i in range(8))
    assert augment.unsource(plain, random.Random(0), "en") is None
