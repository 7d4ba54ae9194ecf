from credibly.pipeline import analyse


def ev(a, kind):
    return [e.text for e in a.evidence if e.kind == kind]


def test_quote_styles_and_speakers_en():
    text = (
        "“We will open the bridge in May,” said Maria Lopez, the city's transport director. "
        'Her deputy added: "The budget is fixed." According to the Daily Ledger, costs rose.'
    )
    a = analyse(text, "en")
    assert len(ev(a, "attributed_quote")) == 2
    assert "Maria Lopez" in ev(a, "named_source")
    assert a.features["attribution_v1.attributed_quote_share"] == 1.0
    assert a.features["attribution_v1.named_sources_per_1k"] > 0


def test_german_quotes_and_inflected_verbs():
    text = (
        "„Wir bauen die Brücke bis Mai“, sagte Bürgermeisterin Anna Keller am Montag. "
        "Laut dem Verkehrsministerium steigen die Kosten. »Das ist nicht hinnehmbar«, erklärte Klaus Brandt. "
        "Der Sprecher betonte, man prüfe alles."
    )
    a = analyse(text, "de")
    verbs = {t.lower() for t in ev(a, "reporting_verb")}
    assert {"sagte", "laut", "erklärte", "betonte"} <= verbs
    assert len(ev(a, "attributed_quote")) == 2
    assert any("Keller" in n for n in ev(a, "named_source"))


def test_unattributed_quote_and_term_quotes():
    a = analyse("Critics call it “a disaster that nobody wanted to see coming at all”. The “smart” city is here.", "en")
    assert ev(a, "unattributed_quote")
    assert ev(a, "quoted_term") == ["“smart”"]


def test_anonymous_sources():
    a = analyse("Sources familiar with the talks said a deal was near, an insider told reporters.", "en")
    assert a.features["attribution_v1.anonymous_sources_per_1k"] > 0


def test_pronoun_after_named_speaker():
    a = analyse("Maria Lopez spoke first. “We are ready,” she said.", "en")
    assert ev(a, "pronoun_source") == ["she"]
