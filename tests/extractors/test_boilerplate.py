from credibly.pipeline import analyse

P1 = "The regional council approved a new budget for schools on Tuesday after a long debate about teacher salaries and buildings."
P2 = "Parents welcomed the decision, although several groups said the money would not cover the repairs needed in older schools."
P2_REWORDED = "Parents welcomed the decision, though several groups said that money would not cover repairs needed in the older schools."


def kinds(a):
    return [e.kind for e in a.evidence if e.family == "boilerplate"]


def test_exact_and_reworded_repeats():
    text = "\n\n".join([P1, P2, "Other news followed in the afternoon session of the council meeting today.", P1, P2_REWORDED])
    a = analyse(text, "en")
    k = kinds(a)
    assert k.count("repeated_paragraph") == 1
    assert k.count("near_duplicate_paragraph") == 1
    assert a.features["boilerplate_v1.duplicate_word_share"] > 0.3


def test_shortcodes_and_template_tags_any_syntax():
    text = '[ccx_widget id="77" mode=full]\n\n' + P1 + "\n\n{{ newsletter_box }}\n\n{% include 'ads.html' %}\n\n" + P2
    a = analyse(text, "en")
    k = kinds(a)
    assert "shortcode" in k and k.count("template_tag") == 2


def test_furniture_and_ads_en_de():
    a = analyse(P1 + "\n\nShare this article\n\nRelated Articles\n\nAdvertisement\n\n" + P2, "en")
    assert {"furniture_line", "ad_line"} <= set(kinds(a))
    de = analyse("Der Rat beschloss den Haushalt nach langer Debatte.\n\nArtikel teilen\n\nAnzeige\n\nDie Eltern begrüßten das.", "de")
    assert {"furniture_line", "ad_line"} <= set(kinds(de))


def test_clean_article_has_no_boilerplate():
    a = analyse(P1 + "\n\n" + P2, "en")
    assert kinds(a) == []
    assert a.families["boilerplate"] == 0
