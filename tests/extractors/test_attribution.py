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


def verbs_of(text, lang):
    a = analyse(text, lang)
    for e in a.evidence:
        assert text[e.start : e.end] == e.text
    return [t.lower() for t in ev(a, "reporting_verb")]


def test_stance_verbs_after_a_subject_en():
    assert "believes" in verbs_of("Maria Lopez spoke first. She believes the plan will fail.", "en")
    assert "thinks" in verbs_of("The mayor said little. Privately, Jonas Berg thinks the budget is too small.", "en")
    assert "fear" in verbs_of("Many economists fear a slowdown next year.", "en")
    assert "hope" in verbs_of("We hope that the road opens soon.", "en")
    assert "made it clear" in verbs_of("The governor made it clear that she would run again.", "en")
    assert "pointing out" in verbs_of("He defended the plan, pointing out that costs fell.", "en")


def test_stance_verbs_without_a_subject_do_not_fire_en():
    # "support" and "want" as nouns or after a non-subject are not cues
    assert verbs_of("The bill won broad support in the house.", "en") == []
    assert verbs_of("Add some salt if the sauce needs it, then see how it tastes.", "en") == []
    assert verbs_of("The old bridge was closed in the winter.", "en") == []


def test_weasel_verbs_are_cues_without_a_speaker():
    a = analyse("Critics say the new stadium is far too expensive for the town.", "en")
    assert "say" in [t.lower() for t in ev(a, "reporting_verb")]
    assert not ev(a, "named_source")


def test_german_so_after_comma():
    assert "so" in verbs_of("Die Preise steigen weiter, so Müller am Dienstag.", "de")
    assert "so" in verbs_of("Der Bau verzögert sich, so die Stadtverwaltung.", "de")
    # "so" without the comma, or before a lowercase word, is not a cue
    assert "so" not in verbs_of("Wir erleben so die seltsame Lage jeden Tag.", "de")
    assert "so" not in verbs_of("Es regnete stark, so dass die Straße gesperrt wurde.", "de")


def test_german_separable_verbs_closed_by_particle():
    verbs = verbs_of("Zudem kündigte der Bürgermeister am Montag neue Radwege an, die im Mai kommen.", "de")
    assert "kündigte" in verbs
    verbs = verbs_of("Die Firma wies den Vorwurf entschieden zurück.", "de")
    assert "wies" in verbs
    # the particle must close the clause: "an" as a preposition is not one
    assert "kündigte" not in verbs_of("Sie kündigte an einem Freitag ihre Wohnung.", "de")
    assert "gab" not in verbs_of("Er gab an der Kasse das Geld ab.", "de")


def test_german_nach_frames_and_stance_verbs():
    verbs = verbs_of("Nach einer neuen Studie der Universität schlafen Kinder zu wenig.", "de")
    assert "nach einer neuen studie" in verbs
    assert "meinung nach" in verbs_of("Seiner Meinung nach ist der Plan zu teuer.", "de")
    assert "befürchtet" in verbs_of("Die Gewerkschaft befürchtet, dass Stellen wegfallen.", "de")
    # a stance verb without a subject or a following clause is not a cue
    assert "befürchtet" not in verbs_of("Ein Anstieg der Preise wird allgemein befürchtet und diskutiert.", "de")
    assert verbs_of("Nach dem Essen gingen wir in den Park.", "de") == []


def test_stance_verbs_after_auxiliaries_and_before_about_en():
    # auxiliaries and adverbs between the subject and the verb are skipped
    assert "proposed" in verbs_of("Maria Lopez spoke first. She has proposed a toll on the old bridge.", "en")
    assert "proposing" in verbs_of("Local farmers are proposing a ban on the new pesticide.", "en")
    # a stance verb right before "about" opens its clause
    assert "worried" in verbs_of("Across the valley, many were worried about the new pesticide.", "en")
    # the noun stays no cue
    assert verbs_of("The plans for the harbour were lost in a fire.", "en") == []


def test_stance_predicates_without_a_subject_en():
    assert "expected" in verbs_of("The new tram line is expected to open in the spring.", "en")
    assert "opposed" in verbs_of("Jonas Berg, a farmer from the valley, has long opposed the dam.", "en")
    assert "critical of" in verbs_of("The audit was highly critical of the port authority.", "en")
    assert "questions about" in verbs_of("The delay raised new questions about the contract.", "en")


def test_colon_before_a_quote_en():
    a = analyse("Jonas Berg on the new tax: “It hurts every family in the valley and nobody asked us.”", "en")
    assert ":" in ev(a, "reporting_verb")
    assert "Jonas Berg" in ev(a, "named_source")
    assert ev(a, "attributed_quote")
    # a verb before the colon is the cue already: the colon adds none
    assert verbs_of("Later he added: “We will keep the school open until the summer.”", "en") == ["added"]
    # German annotations mark the verb, not the colon
    assert ":" not in verbs_of("Ministerin Anna Keller zum Haushalt: „Wir sparen in allen Bereichen.“", "de")


def test_dash_after_a_quote_signs_it_with_a_name():
    text = "“The new park is the best thing this town has built in years.” ― Lena Ortiz\nThe park opened in May."
    a = analyse(text, "en")
    assert "―" in ev(a, "reporting_verb")
    assert "Lena Ortiz" in ev(a, "named_source")
    assert ev(a, "attributed_quote")
    a = analyse("„Der neue Park ist das Beste, was die Stadt seit Jahren gebaut hat.“ – Lena Ortiz\nEr ist offen.", "de")
    assert "–" in ev(a, "reporting_verb")
    assert "Lena Ortiz" in ev(a, "named_source")
    # a dash inside a sentence is no signature
    assert "—" not in verbs_of("They called it “a small step” — and then they voted against it.", "en")


def test_transcript_speaker_tags_en():
    text = (
        "Transcript of the county debate\n"
        "HALVORSEN: We will not raise taxes this year.\nMCTAVISH: That is not what you promised in March."
    )
    a = analyse(text, "en")
    assert ev(a, "reporting_verb").count(":") == 2
    assert "HALVORSEN" in ev(a, "named_source")
    # a label in capitals is no speaker
    assert ":" not in verbs_of("Town news\nUPDATE: The meeting moved to Friday afternoon.", "en")


def test_title_head_names_a_speaker_en():
    text = "Halvorsen: The New Bridge Will Open Before The Spring Floods.\n\nThe county approved the money on Monday."
    a = analyse(text, "en")
    assert ":" in ev(a, "reporting_verb")
    assert "Halvorsen" in ev(a, "named_source")
    # a surname the text uses counts although the word is common ("Trump:")
    assert ":" in verbs_of("Baker: The Harbour Needs A New Crane This Year.\n\nAnna Baker runs the port.", "en")
    # a label, a short claim, or a head in the body is no speaker
    assert ":" not in verbs_of("Correction: An earlier version of this story gave the wrong date.\nIt is fixed.", "en")
    assert ":" not in verbs_of("Halvorsen: Now or never.\n\nThe vote is on Monday.", "en")
    assert ":" not in verbs_of("The race.\n\nHalvorsen: The New Bridge Will Open Before The Spring Floods.", "en")


def test_poll_frame_en():
    verbs = verbs_of("In a new Seaside Research Institute poll, most residents backed the tram.", "en")
    assert "in a new seaside research institute poll" in verbs
    # the preposition and its noun in one clause only
    assert not any(v.startswith("in") for v in verbs_of("In the spring, the poll closed early.", "en"))


def test_infinitive_cues_outside_quotes_en():
    assert "plans" in verbs_of("The city now plans to close the old library in June.", "en")
    assert "respond" in verbs_of("The harbour office did not respond to a request for comment.", "en")
    assert "quick" in verbs_of("Her rivals were quick to point at the cost of the bridge.", "en")
    # the noun before something else, and the words inside a quote, are no cues
    assert verbs_of("The plans were lost in a fire last winter.", "en") == []
    assert verbs_of("“Nobody in this village plans to leave before the harvest is in.”", "en") == []


def test_unquoted_stance_cues_en():
    assert "glad" in verbs_of("Most shop owners were glad the market reopened.", "en")
    a = analyse("“Everyone in the village was glad when the old market finally reopened.”", "en")
    assert ev(a, "reporting_verb") == []
    assert ev(a, "unattributed_quote")


def test_stance_phrases_and_adverbs_en():
    assert "reportedly" in verbs_of("The mayor reportedly turned down the offer from the railway.", "en")
    assert "voted against" in verbs_of("Two members voted against the new harbour fees.", "en")
    assert "attacks on" in verbs_of("His attacks on the budget grew sharper in May.", "en")
    assert "view" in verbs_of("In Ortiz's view, the tram is too slow.", "en")
    assert "hopes" in verbs_of("A second bridge, the ministry hopes, will ease the traffic.", "en")


def test_speech_cues_only_in_first_person_text_de():
    # a speech: the speaker's own words of saying and thinking are cues ...
    speech = (
        "Herr Präsident, meine Damen und Herren, ich glaube, wir müssen heute über die Frage reden, "
        "wie wir die Schulen sanieren. Ich sage Ihnen: Wir wissen seit Jahren, dass das Geld fehlt. "
        "Die Debatte darüber führen wir hier nicht zum ersten Mal, und ich finde, wir sollten handeln."
    )
    verbs = verbs_of(speech, "de")
    assert {"glaube", "frage", "sage", "wissen", "debatte", "finde"} <= set(verbs)
    # ... but not in third-person reporting
    report = (
        "Der Stadtrat berät am Montag über die Sanierung der Schulen. Die Frage der Finanzierung ist offen. "
        "Die Verwaltung will bis Mai wissen, wie viel Geld fehlt."
    )
    verbs = verbs_of(report, "de")
    assert "frage" not in verbs and "wissen" not in verbs


def test_first_person_forms_and_participles_de():
    verbs = verbs_of("Die Ministerin hat darauf hingewiesen, dass die Mittel knapp sind. Der Rat beschloss die Reform.", "de")
    assert {"hingewiesen", "beschloss"} <= set(verbs)


def test_verb_or_noun_forms_need_a_subject_en():
    # "wonder", "worry", "discuss" are cues after a subject, not as nouns or in an ad's "to discuss"
    assert "wonder" in verbs_of("We wonder whether the new tram line will ever open.", "en")
    assert "worry" in verbs_of("Local traders worry that the bridge will close for a year.", "en")
    assert "wonder" not in verbs_of("Her first reaction was wonder and awe at the old harbour.", "en")
    assert "worry" not in verbs_of("The delay caused worry and concern among the farmers.", "en")
    assert "discuss" not in verbs_of("Join us on Friday to discuss how to fund the library.", "en")
