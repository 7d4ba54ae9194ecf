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
