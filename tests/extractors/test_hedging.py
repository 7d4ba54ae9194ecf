from credibly.pipeline import analyse


def kinds(text, lang):
    a = analyse(text, lang)
    return a, {e.kind for e in a.evidence if e.family == "hedging"}


def test_english_hedges_weasels_predictions():
    a, k = kinds(
        "The drug may reduce symptoms, and it possibly helps. Reportedly, insiders say the firm will dominate the market by 2027. "
        "Clearly this proves everything.",
        "en",
    )
    assert {"hedge", "weasel", "unsourced_prediction", "booster"} <= k
    assert a.features["hedging_v1.unsourced_predictions_per_1k"] > 0
    assert 0 < a.families["hedging"] <= 1


def test_sentence_initial_capitals_and_inflections():
    a, k = kinds("Possibly the results suggested otherwise. Might it rain?", "en")
    hedges = [e.text for e in a.evidence if e.kind == "hedge"]
    assert "Possibly" in hedges and "suggested" in hedges


def test_german_hedges_and_weasels():
    a, k = kinds(
        "Die Regierung könnte die Steuer möglicherweise senken. Insider berichten von Streit, heißt es. "
        "Der Konzern wird bis 2027 den Markt dominieren.",
        "de",
    )
    assert {"hedge", "weasel", "unsourced_prediction"} <= k


def test_sourced_prediction_is_not_unsourced():
    a, k = kinds("The company will double its revenue by 2026, chief executive Jane Porter said on Monday.", "en")
    assert "sourced_prediction" in k and "unsourced_prediction" not in k


def test_plain_text_has_no_hedging():
    a, k = kinds("The council approved the budget on Tuesday. The vote was seven to two.", "en")
    assert not k
    assert a.families["hedging"] == 0


def _hedge_texts(text, lang):
    a = analyse(text, lang)
    ev = [e for e in a.evidence if e.family == "hedging" and e.kind in {"hedge", "weasel"}]
    for e in ev:  # spans slice the input exactly
        assert text[e.start : e.end] == e.text
    return [e.text.lower() for e in ev]


def test_english_weasel_wording_is_evidence():
    assert "believe that" in _hedge_texts("Members of the club believe that the stadium was cursed.", "en")
    assert "widely held" in _hedge_texts("A widely held view in the village dates the chapel to 1200.", "en")
    assert "best known" in _hedge_texts("The painter is best known for a mural in the harbour.", "en")
    assert "one of the most" in _hedge_texts("The bridge is one of the most admired buildings of the region.", "en")
    assert "it was reported" in _hedge_texts("It was reported that the mayor had resigned.", "en")
    assert "has been criticized" in _hedge_texts("The new timetable has been criticized for its gaps.", "en")
    assert "generally regarded" in _hedge_texts("The festival is generally regarded as the oldest in town.", "en")


def test_english_modal_of_permission_or_ability_is_not_a_hedge():
    assert not _hedge_texts("The hall may be used for weddings on Saturdays.", "en")
    assert not _hedge_texts("Visitors may also be admitted after six.", "en")
    assert not _hedge_texts("She could not attend the meeting.", "en")
    assert not _hedge_texts("He could swim across the lake as a boy.", "en")
    # epistemic uses stay
    assert "may be" in _hedge_texts("The delay may be due to the storm.", "en")
    assert "may be" in _hedge_texts("This protein may be involved in the repair of the membrane.", "en")
    assert "could" in _hedge_texts("The leak could explain the drop in pressure.", "en")


def test_english_possible_generally_some_many_gates():
    assert not _hedge_texts("Please reply as soon as possible.", "en")
    assert not _hedge_texts("The bridge made it possible to cross the river in winter.", "en")
    assert "possible" in _hedge_texts("It is possible that the letter was forged.", "en")
    assert not _hedge_texts("The shop is generally open on Sundays.", "en")
    assert not _hedge_texts("The house stood empty for some time.", "en")
    assert not _hedge_texts("He tried many times to reach the summit.", "en")
    assert not _hedge_texts("The village has some 300 inhabitants.", "en")
    assert "some" in _hedge_texts("Some scholars reject the later date.", "en")
    assert "many" in _hedge_texts("In many regions the custom survives.", "en")


def test_english_potential_is_not_a_hedge_but_potentially_is():
    assert not _hedge_texts("The firm met potential customers at the fair.", "en")
    assert "potentially" in _hedge_texts("The spill is potentially harmful to fish.", "en")


def test_german_soll_as_hearsay_is_a_hedge():
    for text in (
        "Der Bürgermeister soll Geld von der Baufirma angenommen haben.",
        "Die Firma soll schon damals zahlungsunfähig gewesen sein.",
        "Die beiden Männer sollen über die Grenze geflohen sein.",
        "Der Sänger soll in Wien verhaftet worden sein.",
        "Er wurde entlassen, weil er Akten vernichtet haben soll.",
    ):
        assert any(t in ("soll", "sollen") for t in _hedge_texts(text, "de")), text


def test_german_deontic_soll_is_not_a_hedge():
    for text in (
        "Die neue Regel soll ab Mai gelten.",
        "Man soll nicht stehlen.",
        "Sollte man den Antrag früher stellen?",
        "Die Brücke soll im Herbst saniert werden.",
        "Jeder soll genug Zeit haben.",
        "Der Bericht soll zeigen, was wir erreicht haben.",
    ):
        assert not any(t in ("soll", "sollen", "sollte") for t in _hedge_texts(text, "de")), text


def test_english_belief_verbs_only_as_passive_belief():
    assert "thought" in _hedge_texts("The tower, once thought Roman, is medieval.", "en")
    assert not _hedge_texts("She thought about the offer for a week.", "en")
    assert not _hedge_texts("A drum may be thought of as a voice.", "en")
    assert "disputed" in _hedge_texts("The origin of the name is disputed.", "en")


def test_english_may_not_and_may_also_need_an_epistemic_verb():
    # deontic or dynamic readings: rules and options, not uncertainty
    assert not _hedge_texts("Guests may not bring their own food.", "en")
    assert "may also" not in _hedge_texts("Some lizards may also eat small fruit.", "en")
    assert "may not" not in _hedge_texts("Drivers may not park on the bridge.", "en")
    # epistemic readings stay
    assert "may not" in _hedge_texts("The author may not have written the last chapter.", "en")
    assert "may also" in _hedge_texts("The cold winter may also explain the poor harvest.", "en")


def test_english_should_is_gated_like_could():
    assert "should" in _hedge_texts("The new filter should help with the noise.", "en")
    assert not _hedge_texts("Tickets should not be resold.", "en")
    assert not _hedge_texts("The forms should be signed by a parent.", "en")


def test_english_frequency_adverb_before_a_verb_of_opinion():
    assert "often regarded" in _hedge_texts("The tower is often regarded as the symbol of the town.", "en")
    assert "usually considered" in _hedge_texts("The second album is usually considered weaker.", "en")
    assert not _hedge_texts("The market is usually held on Fridays.", "en")
    assert not _hedge_texts("The path is often used by cyclists.", "en")


def test_english_vague_quantifier_before_a_group_is_a_weasel():
    a, k = kinds("Several critics saw the ending as a betrayal of the novel.", "en")
    weasels = [e.text.lower() for e in a.evidence if e.kind == "weasel"]
    assert "several critics" in weasels
    assert "most historians" in _hedge_texts("Most historians date the charter to the twelfth century.", "en")
    # a count, not a vague attribution
    assert not _hedge_texts("The motion with the most supporters was adopted.", "en")
    assert not _hedge_texts("Several people were injured in the crash.", "en")


def test_english_quantities_of_time_are_not_vague():
    assert not _hedge_texts("The ferry was out of service for some weeks.", "en")
    assert not _hedge_texts("The dispute lasted many decades.", "en")
