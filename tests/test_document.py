from __future__ import annotations

import pytest

from credibly.document import parse
from credibly.errors import EmptyDocumentError


def test_tokens_are_spans_of_the_original_text():
    text = "Dr. Müller sagte: „Das ist gut.“ Er ging.\n\nZweiter Absatz – mit KI-generierten Bildern."
    doc = parse(text, "de")
    for tok, s, e in zip(doc.tokens, doc.starts, doc.ends):
        assert text[s:e] == tok
    assert "KI-generierten" in doc.tokens
    assert len(doc.paragraphs) == 2


def test_sentence_split_respects_abbreviations_en():
    doc = parse("Mr. Smith arrived at 5 p.m. on Monday. He said it was late. Then he left!", "en")
    texts = [doc.text[s.start : s.end] for s in doc.sentences]
    assert texts[0].startswith("Mr. Smith")
    assert len(texts) == 3


def test_sentence_split_de():
    doc = parse("Die Firma wuchs z. B. im Jahr 2020 stark. Danach kam die Krise. Sie dauerte lange.", "de")
    assert len(doc.sentences) == 3


def test_curly_apostrophe_folds_to_straight():
    doc = parse("It’s what they’re saying.", "en")
    assert "it's" in doc.folded


def test_language_detection_and_unknown():
    assert parse("This is plainly an English sentence about the weather and the news.").language == "en"
    assert parse("Dies ist eindeutig ein deutscher Satz über das Wetter und die Nachrichten.").language == "de"
    tr = parse("Bu cümle açıkça hava durumu ve haberler hakkında Türkçe yazılmış bir cümledir.")
    assert tr.language == "tr" and not tr.supported


def test_empty_raises():
    with pytest.raises(EmptyDocumentError):
        parse("   \n\t ")
    with pytest.raises(EmptyDocumentError):
        parse("!!! ??? ...")
