import math

from credibly.pipeline import analyse


def kinds(a):
    return {e.kind for e in a.evidence if e.family == "ai_generated"}


DIGEST = """Market moves in brief

AI-generated analysis for this event.

⚡ TL;DR

Prices rose sharply after the announcement.

🔑 Key Takeaways

• It is important to note that the sector is evolving.
• The move is a testament to the ever-evolving landscape.

What To Do Next

Review your suppliers now.
"""


def test_digest_template_and_disclosure_en():
    a = analyse(DIGEST, "en")
    k = kinds(a)
    assert {"ai_disclosure", "emoji_header", "template_header", "stock_phrase"} <= k
    assert a.families["ai_generated"] > 0.9


def test_german_disclosure():
    a = analyse("Diese Zusammenfassung wurde mit Hilfe von KI erstellt. Die Preise stiegen deutlich an.", "de")
    assert "ai_disclosure" in kinds(a)


def test_topic_mention_is_not_a_disclosure():
    text = (
        "The new app lets users create AI-generated videos and share them with friends, the company said on Tuesday. "
        "Critics worry that AI-generated content will flood social feeds."
    )
    a = analyse(text, "en")
    assert "ai_disclosure" not in kinds(a)


def test_sentence_rhythm_reads_prose_paragraphs_only():
    prose = (
        "The council met on Monday. It approved the budget after a long debate about the costs. "
        "Two members voted against it."
    )
    headers = "\n".join(["Key points", "What it means for you", "Next steps"])
    cv = "ai_generated_v1.sentence_length_cv"
    with_headers = analyse(headers + "\n" + prose, "en").features[cv]
    assert with_headers == analyse(prose, "en").features[cv]  # one-line headers are not rhythm
    assert math.isnan(analyse(headers + "\nA single line of text here.", "en").features[cv])
