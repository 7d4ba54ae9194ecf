"""Attribution: direct quotes and their speakers, reporting verbs, named vs anonymous
sources, cited publications.

Lexicon sections (``features/attribution/<lang>.txt``): ``report_verb``,
``anonymous_source``, ``anonymous_subject``, ``source_role``, ``publication_cue``, and the
gated cues: ``stance_verb`` (a verb of belief or stance, a cue only right after a subject
from ``stance_subject``/pronouns/roles/names, or right before a complementiser from
``stance_complement``), ``comma_cue`` (a cue only right after a comma, before a capitalised
word or as a phrase: German ", so Müller", ", so die Polizei") and ``split_verb`` (German
separable verbs whose particle closes the clause: "kündigte er am Montag an"), and outside
quotes ``infinitive_cue`` (a cue right before a ``context_infinitive`` word: "plans to",
"did not respond to") and ``unquoted_cue`` (a cue anywhere: "hopes", "glad"); inside a quote
these are the speaker's words, not a cue of the quote. ``frame_phrase`` ("nach studie",
"in poll") is found from its noun (``frame_noun``) back to its preposition.
``speech_cue`` entries (German "glaube", "Frage", "Debatte") are cues only in spoken or
first-person text: a document with at least ``_SPOKEN_PER_1K`` words of
``first_person`` per 1,000 words outside quotes (a speech, an interview), where
the speaker's own words of saying and thinking are speech events; in reporting they are
mostly not ("die Frage der Finanzierung").
Quote styles are language-independent patterns (``features/attribution/xx.patterns``), and
so are the punctuation cues: ``speech_dash`` (xx: '"..." ― Ana Ruiz'), ``speech_colon`` and
``speech_tag`` and ``speech_head`` (per language, ``<lang>.patterns``: 'Kasich: "We ..."',
'PENCE: Well, ...', a title 'Sanders: Clinton Email Story Has Moved'; ``context_not_speaker``
lists labels that are no speaker: "Correction:").
"""

from __future__ import annotations

import bisect
import itertools
import functools

from ..document import Document
from ..errors import UnsupportedLanguageError
from ..resources import frequency_table, load_lexicon, load_patterns
from ._util import char_evidence, hit_evidence, token_evidence, word_set
from .base import Extraction, noisy_or, per_1k, register, saturate

FAMILY = "attribution"
FEATURES = (
    "quotes_per_1k",
    "attributed_quote_share",
    "report_verbs_per_1k",
    "named_sources_per_1k",
    "anonymous_sources_per_1k",
    "publications_per_1k",
    "attributed_sentence_share",
    "named_source_share",
)
_WINDOW = 6  # tokens around a reporting verb searched for its speaker
_QUOTE_REACH = 12  # tokens before/after a quote searched for a reporting verb
_TERM_QUOTE_TOKENS = 3  # a quote this short is a quoted term ("scare quotes"), not speech
_COMMON_ZIPF = 4.5  # a capitalised word more frequent than this is a common noun, not a name
_SPLIT_REACH = 8  # tokens between a separable verb and its particle
_SIGNATURE_CHARS = 120  # a quote's signature ("” ― Ana Ruiz") ends its line within this many characters
_SKIP_REACH = 2  # stance_skip words passed between a subject and its stance verb ("he has also said")
_FRAME_REACH = 6  # tokens between a frame preposition and its noun ("nach einer neuen Studie")
_HEAD_CLAIM_TOKENS = 5  # a headline's claim after "Name:" has at least this many tokens
_SPOKEN_PER_1K = 14.0  # first-person words per 1,000 words (outside quotes) that make a text spoken
_SPOKEN_MIN = 2  # ... and at least this many of them
_CLAUSE_END = frozenset(",.:;!?\"“”„«»()–—-")  # a particle right before one of these closes the clause


def _in_clause(doc: Document, i: int, reach: int, found) -> int | None:
    """The first token j after ``i``, at most ``reach + 1`` tokens on, in i's sentence and
    clause (no , : ; in between), for which ``found(j)`` holds; else None."""
    s = doc.sentence_of[i]
    for j in range(i + 1, min(doc.n_words, i + 2 + reach)):
        if doc.sentence_of[j] != s or any(c in ",:;" for c in _gap(doc, j)):
            return None
        if found(j):
            return j
    return None


def _capital_runs(doc: Document, stop: frozenset[str], caps: list[int]) -> tuple[list[tuple[int, int]], set[str]]:
    """Runs of >= 2 capitalised non-stopword tokens inside one sentence (likely names);
    ``caps`` are the indices of the capitalised tokens."""
    runs: list[tuple[int, int]] = []
    tokens, folded, sent, text, starts, ends = doc.tokens, doc.folded, doc.sentence_of, doc.text, doc.starts, doc.ends
    n = doc.n_words
    resume = 0
    # only capitalised tokens can start a run: visit those, not every token
    for i in caps:
        if i < resume or folded[i] in stop or tokens[i].isupper():
            continue
        j = i + 1
        while (
            j < n
            and sent[j] == sent[i]
            and tokens[j][:1].isupper()
            and folded[j] not in stop
            and text[ends[j - 1] : starts[j]] == " "
        ):
            j += 1
        if j - i >= 2:
            runs.append((i, j))
        resume = j
    surnames = {doc.folded[j - 1] for _, j in runs}
    return runs, surnames


@functools.lru_cache(maxsize=16)
def _split_entries(lang: str, section: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """``split_verb``/``frame_phrase`` entries as {first word: (tail, ...)}:
    "wies darauf hin" -> wies: (darauf, hin)."""
    try:
        entries = load_lexicon(FAMILY, lang).get(section, ())
    except UnsupportedLanguageError:
        return {}
    out: dict[str, list[tuple[str, ...]]] = {}
    for e in entries:
        words = e.casefold().split()
        if len(words) >= 2:
            out.setdefault(words[0], []).append(tuple(words[1:]))
    return {k: tuple(v) for k, v in out.items()}


@functools.lru_cache(maxsize=16)
def _frame_nouns(lang: str) -> dict[str, frozenset[str]]:
    """``frame_phrase`` entries as {noun: prepositions}: "nach studie" -> studie: {nach}."""
    out: dict[str, set[str]] = {}
    for head, tails in _split_entries(lang, "frame_phrase").items():
        for t in tails:
            out.setdefault(t[-1], set()).add(head)
    return {k: frozenset(v) for k, v in out.items()}


def _gap(doc: Document, i: int) -> str:
    """The characters between token ``i - 1`` and token ``i``."""
    return doc.text[doc.ends[i - 1] : doc.starts[i]] if 0 < i < doc.n_words else ""


def _closes(doc: Document, j: int, tail: tuple[str, ...], sentence: int) -> bool:
    """Whether ``tail`` ("darauf", "hin") starts at token ``j`` and closes the clause."""
    k = j + len(tail)
    if k > doc.n_words or tuple(doc.folded[j:k]) != tail:
        return False
    return k >= doc.n_words or doc.sentence_of[k] != sentence or any(c in _CLAUSE_END for c in _gap(doc, k))


def _quoted(doc: Document, i: int, quoted: list[tuple[int, int]]) -> bool:
    """Whether token ``i`` is inside one of the ``quoted`` character spans (sorted)."""
    at = doc.starts[i]
    k = bisect.bisect_right(quoted, (at, at)) - 1
    return k >= 0 and quoted[k][1] > at


def _spoken(doc: Document, quoted: list[tuple[int, int]]) -> bool:
    """Whether the text speaks in the first person outside its quotes (a speech, an
    interview, a column): ``first_person`` words (found by the matcher) per 1,000 words."""
    first = doc.hits_of(FAMILY, "first_person")
    need = max(_SPOKEN_MIN, _SPOKEN_PER_1K * doc.n_words / 1000)
    if len(first) < need:
        return False
    own = sum(1 for h in first if not _quoted(doc, h.first, quoted))
    return own >= need


def _gated_cues(
    doc: Document, stop: frozenset[str], pronouns: frozenset[str], quoted: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Token ranges of the cues that count only in context: stance verbs after a subject or
    before a complementiser, comma cues, and separable verbs closed by their particle.
    ``quoted`` are the character spans of the quotes: a stance verb inside one is a cue only
    after its subject ("“I think ...”"), not by its complement ("“nobody wanted to see”")."""
    lang = doc.language
    folded, sent, n = doc.folded, doc.sentence_of, doc.n_words
    out: list[tuple[int, int]] = []
    stance = doc.hits_of(FAMILY, "stance_verb")
    if stance:
        subjects = (
            word_set(FAMILY, lang, "stance_subject")
            | word_set(FAMILY, lang, "anonymous_subject")
            | word_set(FAMILY, lang, "source_role")
            | pronouns
        )
        skip = word_set(FAMILY, lang, "stance_skip")
        complements = word_set(FAMILY, lang, "stance_complement")
        comma_opens = "," in complements
        for h in stance:
            j = h.first - 1
            while j >= 0 and j >= h.first - _SKIP_REACH and folded[j] in skip and sent[j] == sent[h.first]:
                j -= 1
            ok = False
            if j >= 0 and sent[j] == sent[h.first] and not _gap(doc, j + 1).strip():
                f = folded[j]
                ok = f in subjects or (f[-1:] == "s" and f[:-1] in subjects) or (
                    doc.is_capitalized(j) and f not in stop and not doc.tokens[j].isupper()
                )
            if not ok and h.last < n and sent[h.last] == sent[h.first]:
                gap = _gap(doc, h.last)
                # a "," entry in stance_complement: a comma right after the verb opens its clause
                ok = (folded[h.last] in complements and not gap.strip()) or (comma_opens and gap.strip()[:1] in (",", ":"))
                ok = ok and not _quoted(doc, h.first, quoted)
            if ok:
                out.append((h.first, h.last))
    infinitive = doc.hits_of(FAMILY, "infinitive_cue")
    unquoted = doc.hits_of(FAMILY, "unquoted_cue")
    if infinitive or unquoted:
        # outside quotes: "plans to", "was quick to" (a cue right before "to"), and the
        # unquoted cues anywhere
        to = word_set(FAMILY, lang, "context_infinitive")
        seen = {a for a, _ in out}
        for h in itertools.chain(infinitive, unquoted):
            if h.first in seen or _quoted(doc, h.first, quoted):
                continue
            if h.section == "infinitive_cue" and (h.last >= n or folded[h.last] not in to or _gap(doc, h.last).strip()):
                continue
            seen.add(h.first)
            out.append((h.first, h.last))
    speech = doc.hits_of(FAMILY, "speech_cue")
    if speech and _spoken(doc, quoted):
        seen = {a for a, _ in out}
        out.extend((h.first, h.last) for h in speech if h.first not in seen)
    for h in doc.hits_of(FAMILY, "comma_cue"):
        if "," not in _gap(doc, h.first) or h.last >= n or sent[h.last] != sent[h.first]:
            continue
        if h.last - h.first > 1 or (doc.is_capitalized(h.last) and folded[h.last] not in stop):
            out.append((h.first, h.first + 1))
    split = _split_entries(lang, "split_verb")
    if split:
        for i in itertools.compress(range(n), map(split.__contains__, folded)):
            tails = split[folded[i]]
            s = sent[i]
            if _in_clause(doc, i, _SPLIT_REACH, lambda j: any(_closes(doc, j, t, s) for t in tails)) is not None:
                out.append((i, i + 1))
    nouns = doc.hits_of(FAMILY, "frame_noun")
    if nouns:
        # "Nach einer norwegischen Studie", "In a new Gallup poll": the whole phrase. Found
        # from its noun (rarer than the preposition), looking back for the preposition.
        frames = _frame_nouns(lang)
        for h in nouns:
            j = h.first
            heads = frames.get(folded[j], ())
            for i in range(j - 1, max(-1, j - _FRAME_REACH - 2), -1):
                if sent[i] != sent[j] or any(c in ",:;" for c in _gap(doc, i + 1)) or folded[i] in frames:
                    break
                if folded[i] in heads:
                    out.append((i, j + 1))
                    break
    return out


@register("attribution_v1", FAMILY, FEATURES)
def extract(doc: Document) -> Extraction:
    lang = doc.language
    stop = word_set("language", lang, "stopword")
    verbs = doc.hits_of(FAMILY, "report_verb")
    anon_src = doc.hits_of(FAMILY, "anonymous_source")
    anon_subj = doc.hits_of(FAMILY, "anonymous_subject")
    roles = doc.hits_of(FAMILY, "source_role")
    pubs = doc.hits_of(FAMILY, "publication_cue")
    evidence = []

    tokens = doc.tokens
    caps = [k for k in doc.not_lowercase() if tokens[k][0].isupper()]
    runs, surnames = _capital_runs(doc, stop, caps)
    calendar = word_set("language", lang, "calendar")
    anon_words = word_set(FAMILY, lang, "anonymous_subject") | word_set(FAMILY, lang, "anonymous_source")
    try:
        freq = frequency_table(lang)
    except UnsupportedLanguageError:
        freq = {}

    def proper(i: int) -> bool:
        """A capitalised token that is a name rather than a common word (a person or an organisation)."""
        f = doc.folded[i]
        return (
            doc.is_capitalized(i)
            and f not in stop
            and f not in calendar
            and f not in anon_words
            and len(f) >= 2
            and freq.get(f, 0.0) < _COMMON_ZIPF
        )
    run_starts = [a for a, _ in runs]
    role_at = sorted({h.first for h in roles})
    anon_at = {i for h in anon_subj + anon_src for i in range(h.first, h.last)}

    pronouns = word_set("language", lang, "pronoun")
    first_name_at = runs[0][0] if runs else doc.n_words

    n_words, folded, sentence_of = doc.n_words, doc.folded, doc.sentence_of

    def name_near(first: int, last: int) -> tuple[int, int] | None:
        sent = sentence_of[first]
        lo, hi = max(0, first - _WINDOW), min(n_words, last + _WINDOW)
        # "he said" right next to the verb, after a person was named: attributed to them
        for i in (first - 1, last):
            if 0 <= i < n_words and folded[i] in pronouns and i > first_name_at:
                return i, i + 1
        k = bisect.bisect_left(run_starts, lo)
        while k < len(runs) and runs[k][0] < hi:
            a, b = runs[k]
            if sentence_of[a] == sent and (b <= first or a >= last):
                return a, b
            k += 1
        # only capitalised tokens and roles can be a name: visit those, not every token
        near = caps[bisect.bisect_left(caps, lo) : bisect.bisect_left(caps, hi)]
        r = role_at[bisect.bisect_left(role_at, lo) : bisect.bisect_left(role_at, hi)]
        if r:
            near = sorted(set(near).union(r))
        for i in near:
            if sentence_of[i] != sent or first <= i < last:
                continue
            if doc.is_capitalized(i) and (folded[i] in surnames or (abs(i - first) <= 2 or abs(i - last + 1) <= 2) and proper(i)):
                return i, i + 1
            if i in r and i + 1 < n_words and doc.is_capitalized(i + 1) and folded[i + 1] not in stop:
                return i, i + 2
        return None

    # a reporting verb inside a weasel phrase ("reports suggest") attributes to nobody
    weasel_at = {i for h in doc.hits_of("hedging", "weasel") for i in range(h.first, h.last)}
    named = anonymous = 0
    verb_sentences: set[int] = set()  # sentences whose claim is tied to an identified source
    verb_tokens: list[int] = []
    n_verbs = 0
    cues = [(h.first, h.last) for h in verbs]
    covered = {i for a, b in cues for i in range(a, b)}
    # the parsed text (a truncated document ends at its last token)
    limit = len(doc.text) if not doc.truncated else doc.ends[-1]
    text = doc.text
    patterns = {**load_patterns(FAMILY, "xx"), **load_patterns(FAMILY, lang)}
    quote_re = patterns.get("quote")
    quote_matches = list(quote_re.finditer(text, 0, limit)) if quote_re is not None else []
    quoted = [m.span() for m in quote_matches]
    cues += [(a, b) for a, b in _gated_cues(doc, stop, pronouns, quoted) if a not in covered]
    cues.sort()
    def add_source(who: tuple[int, int]) -> None:
        kind = "pronoun_source" if folded[who[0]] in pronouns and who[1] - who[0] == 1 else "named_source"
        evidence.append(token_evidence(doc, FAMILY, kind, *who))

    for first, last in cues:
        n_verbs += 1
        evidence.append(token_evidence(doc, FAMILY, "reporting_verb", first, last))
        if weasel_at and (first - 1 in weasel_at or not weasel_at.isdisjoint(range(first, last))):
            continue  # "critics say": a cue, but of nobody identified (nor does it attribute a quote)
        verb_tokens.append(first)
        who = name_near(first, last)
        if who is not None:
            named += 1
            verb_sentences.add(sentence_of[first])
            add_source(who)
        else:
            lo, hi = max(0, first - _WINDOW), min(n_words, last + _WINDOW)
            if anon_at and not anon_at.isdisjoint(range(lo, hi)):
                anonymous += 1
    # punctuation cues: a colon that opens a quote, a dash that signs one off with a name, a
    # transcript's speaker tag ("PENCE: Well, ..."); (pattern, group of the cue, group of the speaker)
    dash_re = patterns.get("speech_dash")

    def dash_matches():
        # a signature dash right after a quote's closing mark, on a short rest of the line: try
        # it only there (bounded windows: linear in the number of quotes)
        for q in quote_matches:
            mark = q.end() - 1
            end = text.find("\n", q.end(), min(limit, q.end() + _SIGNATURE_CHARS))
            if end < 0:
                if q.end() + _SIGNATURE_CHARS < limit:
                    continue  # the line goes on: no signature ends it
                end = limit
            for m in itertools.islice(dash_re.finditer(text, mark, end), 1):
                if m.start() == mark:
                    yield m

    def head_matches(head_re):
        # the title's head: the text's first line only (in the body, "Kasich: Now or never."
        # heads a section more often than it quotes)
        m = head_re.regex.match(text, 0, limit)
        if m is not None:
            yield m.start(1), m.start(2), m.end(2)

    not_heads = word_set(FAMILY, lang, "context_not_speaker")
    cue_starts = [a for a, _ in cues]
    for name, group, speaker in (("speech_colon", 0, 0), ("speech_dash", 1, 0), ("speech_tag", 2, 1), ("speech_head", 2, 1)):
        punct_re = patterns.get(name)
        if punct_re is None:
            continue
        if name == "speech_head":
            found = head_matches(punct_re)
        elif name == "speech_dash":
            found = ((m.start(), *m.span(group)) for m in dash_matches())
        else:
            found = ((m.start(speaker), *m.span(group)) for m in punct_re.finditer(text, 0, limit))
        for spk_at, s, e in found:
            i = doc.token_at(s)  # the token after the mark
            if i >= n_words or i == 0:
                continue
            if name == "speech_colon":
                # "he said:", "Müller betonte am Montag:" already have their cue
                k = bisect.bisect_right(cue_starts, i - 1)
                if k and sentence_of[cue_starts[k - 1]] == sentence_of[i - 1]:
                    continue
            who = None
            if speaker:
                # a speaker tag is a name: every word uncommon ("PENCE", not "UPDATE")
                a, b = doc.token_at(spk_at), i
                if name != "speech_head":
                    if not all(proper(j) for j in range(a, b)):
                        continue
                else:
                    # a name, or a word the text uses as a surname ("Trump: ...", "Donald Trump")
                    if not all(proper(j) or folded[j] in surnames for j in range(a, b)):
                        continue
                    # not a label ("Correction:", "BREAKING:"): no listed word, no shouted word
                    if any(folded[j] in not_heads or (len(folded[j]) > 3 and tokens[j].isupper()) for j in range(a, b)):
                        continue
                    # a headline's speaker and claim ("Sanders: Clinton needs to ..."): the claim
                    # has words, not a number ("Clinton: 547."), and goes on for some words
                    end = text.find("\n", e, limit)
                    k = doc.token_at(end if end >= 0 else limit)
                    if k - i < _HEAD_CLAIM_TOKENS or doc.tokens[i][:1].isdigit():
                        continue
                who = (a, b)
            n_verbs += 1
            evidence.append(char_evidence(doc, FAMILY, "reporting_verb", s, e))
            verb_tokens.append(i)
            who = who or name_near(i, i)
            if who is not None:
                named += 1
                verb_sentences.add(sentence_of[who[0]])
                add_source(who)
    verb_tokens.sort()
    for h in anon_src:
        evidence.append(hit_evidence(doc, FAMILY, "anonymous_source", h))
    anonymous = max(anonymous, len(anon_src))
    for h in pubs:
        evidence.append(hit_evidence(doc, FAMILY, "cited_publication", h))
    for h in pubs:
        verb_sentences.add(doc.sentence_of[h.first])
    urls = 0
    url_re = patterns.get("url")
    if url_re is not None:
        for m in url_re.finditer(doc.text, 0, limit):
            urls += 1
            evidence.append(char_evidence(doc, FAMILY, "cited_link", m.start(), m.end()))

    # direct quotes in every style, attributed when a reporting verb is near
    quotes = attributed_quotes = 0
    if quote_re is not None:
        for m in quote_matches:
            if m.end() - m.start() < 4:
                continue
            qf = doc.token_at(m.start())
            ql = doc.token_at(m.end() - 1)
            if ql - qf + 1 <= _TERM_QUOTE_TOKENS:
                # a quoted term or title ("open", „Sora“), not quoted speech
                evidence.append(char_evidence(doc, FAMILY, "quoted_term", m.start(), m.end()))
                continue
            quotes += 1
            k = bisect.bisect_left(verb_tokens, qf - _QUOTE_REACH)
            has_verb = k < len(verb_tokens) and verb_tokens[k] <= ql + _QUOTE_REACH
            if has_verb:
                attributed_quotes += 1
            evidence.append(
                char_evidence(doc, FAMILY, "attributed_quote" if has_verb else "unattributed_quote", m.start(), m.end())
            )

    n = doc.n_words
    n_sent = max(len(doc.sentences), 1)
    feats = {
        "quotes_per_1k": per_1k(quotes, n),
        "attributed_quote_share": attributed_quotes / quotes if quotes else 0.0,
        "report_verbs_per_1k": per_1k(n_verbs, n),
        "named_sources_per_1k": per_1k(named, n),
        "anonymous_sources_per_1k": per_1k(anonymous, n),
        "publications_per_1k": per_1k(len(pubs) + urls, n),
        "attributed_sentence_share": len(verb_sentences) / n_sent,
        "named_source_share": named / (named + anonymous) if named + anonymous else 0.0,
    }
    strength = noisy_or(
        saturate(feats["attributed_sentence_share"], 0.25),
        saturate(feats["named_sources_per_1k"], 6.0),
        saturate(feats["publications_per_1k"], 6.0),
    )
    return Extraction(feats, strength, evidence)
