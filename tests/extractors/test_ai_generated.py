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


GENERIC_DE = (
    "Der Leuchtturm ist einer der bekanntesten Orte der Küste und spielt eine wichtige Rolle für die Region. "
    "Er ist bekannt für seine Geschichte und seine Lage und zieht Besucher und Familien an. "
    "Insgesamt ist er ein wichtiger Bestandteil der Landschaft und der Kultur."
)
SPECIFIC_DE = (
    "Der Leuchtturm wurde 1872 gebaut und ist 41 Meter hoch. "
    "Im Logbuch steht „Sturm aus Nordwest“ für den Tag der Eröffnung. "
    "Seit 1990 (nach der Sanierung) steht er unter Denkmalschutz; Führungen kosten 4 Euro."
)


def test_generic_phrases_and_coordinators_feed_the_head_only():
    a = analyse(GENERIC_DE, "de")
    f = a.features
    assert f["ai_generated_v1.generic_phrases_per_1k"] > 0
    assert f["ai_generated_v1.coordinators_per_1k"] > 0
    # weak cues: neither rule strength nor evidence spans
    assert a.rules["ai_generated"] == 0.0
    assert not {"generic_phrase", "coordinator"} & kinds(a)
    b = analyse(SPECIFIC_DE, "de").features
    assert b["ai_generated_v1.generic_phrases_per_1k"] == 0
    assert b["ai_generated_v1.coordinators_per_1k"] < f["ai_generated_v1.coordinators_per_1k"]


def test_plain_sentence_share_counts_sentences_without_specifics():
    share = "ai_generated_v1.plain_sentence_share"
    assert analyse(GENERIC_DE, "de").features[share] == 1.0
    assert analyse(SPECIFIC_DE, "de").features[share] == 0.0
    mixed = "The bridge opened in 2004. It links two old towns. People like to walk across it at night."
    assert abs(analyse(mixed, "en").features[share] - 2 / 3) < 1e-9
    # the same prose sentences as the rhythm: one-line headers are not counted, too few is missing
    assert analyse("Key points\n" + mixed, "en").features[share] == analyse(mixed, "en").features[share]
    assert math.isnan(analyse("Key points\nA single line of text here.", "en").features[share])


def test_plain_sentence_share_is_language_independent():
    text = "Le pont relie deux villes. Les gens aiment le traverser le soir. Il a ouvert en 2004."
    f = analyse(text, "xx").features
    assert abs(f["ai_generated_v1.plain_sentence_share"] - 2 / 3) < 1e-9
    assert math.isnan(f["ai_generated_v1.generic_phrases_per_1k"])
    assert math.isnan(f["ai_generated_v1.coordinators_per_1k"])
