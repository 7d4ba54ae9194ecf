from credibly.pipeline import analyse


def kinds(a):
    return {e.kind for e in a.evidence if e.family == "translation"}


def test_machine_translation_artifacts_en():
    text = (
        "The founder Tomas Kowalczyk spoke. Later Kowalcyk said the firm grew. NexaSoft and Nexasoft both filed.\n\n"
        "The company sold the productWhich brings more than $ 4.2 billion. USA a year. "
        "in the first quarter of the year in the first quarter of the year in the first quarter of the year profits rose. "
        "NexaSoft again."
    )
    a = analyse(text, "en")
    k = kinds(a)
    assert {"name_variant", "broken_casing", "run_together", "phrase_loop"} <= k
    assert any(x.startswith("unit_") for x in k)
    assert a.families["translation"] > 0.5


def test_fluent_text_has_no_artifacts():
    text = "The council met on Tuesday. Its chair, Ruth Meyer, said the vote would happen in March. Meyer thanked the staff."
    a = analyse(text, "en")
    assert not kinds(a)
    assert a.rules["translation"] == 0  # no artifact fired
    assert a.families["translation"] < 0.2  # the trained head: a low probability of machine translation


def test_german_artifacts_and_foreign_line():
    text = (
        "Die Firma NovaTek meldete einen Umsatz von 12 ,5 Mio. Euro. Die Firma Novatek wuchs.\n\n"
        "This is a sentence that was left in English by the translation tool.\n\n"
        "Der Chef sagte, dass die Zahlen gut seien, und die Mitarbeiter waren froh über die Entwicklung."
    )
    a = analyse(text, "de")
    k = kinds(a)
    assert "broken_casing" in k and "foreign_line_en" in k
    assert any(x.startswith("unit_") for x in k)


def test_german_inflection_is_not_a_name_variant():
    a = analyse("Die Rede von Merkel war lang. Merkels Rede wurde gelobt, und Merkel dankte.", "de")
    assert "name_variant" not in kinds(a)


def test_run_together_is_a_lost_sentence_end_not_a_camelcase_name():
    from credibly.pipeline import analyse

    def joined(text):
        return [e.text for e in analyse(text, "en", heads=False).evidence if e.kind == "run_together"]

    assert joined("The harbour board sold the old ferryWhich brought in more money than the bridge.") == ["ferryWhich"]
    # names, hashtags and brands are written in CamelCase; a space lost after a preposition is
    # a scraping slip, not a lost sentence boundary
    assert joined("Supporters shared the EagleRising posts and the HarbourNews feed all week.") == []
    assert joined("The mayor spoke at length ofHarbour plans and thatBridge budget on Monday.") == []
