"""Self-contained HTML reports: ``credibly report PATH... -o OUT`` and ``Result._repr_html_``.

A report page shows the trust score with its calibrated meaning, the five family
strengths, the top feature contributions and the full document text with every
evidence span highlighted by family.

Safety: the document text (and every source name, id and error message) is
untrusted. Every piece of it goes through :func:`html.escape` with ``quote=True``;
the pages contain no JavaScript at all (the batch index is sorted with CSS only),
load nothing from the network, and carry a Content-Security-Policy that allows
only the page's own stylesheet (by hash) and no scripts.

Overlapping and nested evidence spans are rendered with a boundary sweep: the text
is cut at every span start and end, and each piece is wrapped in one ``<mark>``
per family active over it (nested in a fixed family order), so the markup is always
well-formed and the visible text is exactly the document text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from .extractors import EVIDENCE_FEATURES, FAMILIES

if TYPE_CHECKING:  # pragma: no cover
    from .api import Result

__all__ = ["result_html", "batch_html", "IndexRow", "render_text", "trust_meaning", "page_name", "configure", "run"]

log = logging.getLogger("credibly")

DEFAULT_TOP = 8

_FAMILY_NAMES = {
    "hedging": "Hedging",
    "attribution": "Attribution",
    "translation": "Translation",
    "ai_generated": "AI-generated",
    "boilerplate": "Boilerplate",
    "readability": "Readability",
}
_FAMILY_HELP = {
    "hedging": "vague, hedged or unsourced claims",
    "attribution": "sources: named people, reporting verbs, quotes, citations",
    "translation": "machine-translation artefacts",
    "ai_generated": "tells of AI-generated text",
    "boilerplate": "repeated, template or advertising text",
}
#: the underline style that tells the families apart without colour
_FAMILY_LINE = {
    "hedging": "dotted underline",
    "attribution": "double underline",
    "translation": "solid underline",
    "ai_generated": "dashed underline",
    "boilerplate": "line above",
}

#: evidence kind -> the features it counts towards (kept with the extractors)
_KIND_FEATURES = EVIDENCE_FEATURES

# --------------------------------------------------------------------------- escaping

_SURROGATES = re.compile("[\ud800-\udfff]")


def _esc(value: Any) -> str:
    """Escape any value for HTML text or a double-quoted attribute."""
    s = value if isinstance(value, str) else str(value)
    if _SURROGATES.search(s):  # lone surrogates cannot be encoded: show U+FFFD instead
        s = _SURROGATES.sub("\ufffd", s)
    return html.escape(s, quote=True)


def _esc_text(s: str) -> str:
    """Escape document text so the browser's DOM holds exactly ``s``.

    Besides ``& < > " '``: a carriage return becomes ``&#13;`` (the HTML parser turns
    a raw CR or CRLF into LF), and NUL, which HTML cannot carry, becomes U+FFFD.
    """
    out = _esc(s)
    if "\r" in out:
        out = out.replace("\r", "&#13;")
    if "\x00" in out:
        out = out.replace("\x00", "\ufffd")
    return out


def _breakable(s: str) -> str:
    """Escaped ``s`` with line-break opportunities after ``:`` and ``_`` (feature names)."""
    return re.sub(r"([:_/\\])", r"\1<wbr>", _esc(s))


def _num(x: float | None, fmt: str = ".2f") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return format(x, fmt)


def _signed(x: float) -> str:
    return f"{x:+.2f}".replace("-", "\u2212")


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not (isinstance(x, float) and math.isnan(x))


def trust_meaning(trust: float | None) -> str:
    """The calibrated reading of a trust score: 'Of documents scored like this, about N in 10 ...'."""
    if not _finite(trust):
        return "Not scored."
    return f"Of documents scored like this, about {_in_ten(trust)} in 10 were trustworthy."


def _in_ten(trust: float) -> int:
    return int(math.floor(min(max(trust, 0.0), 1.0) * 10 + 0.5))


# --------------------------------------------------------------------------- CSS

_CSS_BASE = """
.credibly-page{margin:0;background:#fff;color:#1b1d21}
.credibly-report{--fg:#1b1d21;--bg:#fff;--muted:#555c66;--line:#cfd4da;--panel:#f4f5f7;
--up:#0072B2;--down:#D55E00;
--c-hedging:#E69F00;--c-attribution:#0072B2;--c-translation:#009E73;--c-ai_generated:#D55E00;
--c-boilerplate:#CC79A7;--c-readability:#7f7f7f;
--t-hedging:rgba(230,159,0,.30);--t-attribution:rgba(0,114,178,.20);--t-translation:rgba(0,158,115,.25);
--t-ai_generated:rgba(213,94,0,.22);--t-boilerplate:rgba(204,121,167,.28);
color-scheme:light dark;color:var(--fg);background:var(--bg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;
max-width:72rem;margin:0 auto;padding:1.25rem 1.5rem 2.5rem;box-sizing:border-box}
.credibly-report *{box-sizing:border-box}
.credibly-report h1{font-size:1.5rem;margin:0 0 .25rem;overflow-wrap:anywhere}
.credibly-report h2{font-size:1.1rem;margin:0 0 .6rem}
.credibly-report a{color:var(--up)}
.credibly-report .meta{color:var(--muted);margin:0 0 1rem}
.credibly-report .note{border-left:4px solid var(--down);background:var(--panel);padding:.5rem .75rem;margin:.75rem 0}
.credibly-report .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,23rem),1fr));gap:1rem;margin:1rem 0}
.credibly-report .grid>*{min-width:0}
.credibly-report section.card{background:var(--panel);border:1px solid var(--line);border-radius:.5rem;padding:1rem}
.credibly-report .trust{font-size:2.75rem;font-weight:700;line-height:1.1;margin:0}
.credibly-report .meaning{font-size:1.1rem;margin:.4rem 0 .6rem}
.credibly-report svg{display:block}
.credibly-report .dots rect{fill:none;stroke:var(--muted);stroke-width:1}
.credibly-report .dots rect.on{fill:var(--up);stroke:var(--up)}
.credibly-report table{border-collapse:collapse;width:100%;font-size:.88rem}
.credibly-report th,.credibly-report td{text-align:left;padding:.2rem .4rem;vertical-align:middle}
.credibly-report td.num,.credibly-report th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.credibly-report .fams td.bar{width:45%}
.credibly-report .bar .track{fill:var(--bg);stroke:var(--line);stroke-width:.5}
.credibly-report .fill-hedging{fill:var(--c-hedging)}
.credibly-report .fill-attribution{fill:var(--c-attribution)}
.credibly-report .fill-translation{fill:var(--c-translation)}
.credibly-report .fill-ai_generated{fill:var(--c-ai_generated)}
.credibly-report .fill-boilerplate{fill:var(--c-boilerplate)}
.credibly-report .fill-up{fill:var(--up)}
.credibly-report .fill-down{fill:var(--down)}
.credibly-report .axis{stroke:var(--muted);stroke-width:.6}
.credibly-report .contrib td.bar{width:24%}
.credibly-report .contrib td:first-child{overflow-wrap:anywhere;min-width:8rem}
.credibly-report .dir{color:var(--muted);font-size:.85rem;white-space:nowrap}
.credibly-report .legend{display:flex;flex-wrap:wrap;gap:.4rem 1.25rem;margin:0 0 .75rem;padding:0;list-style:none}
.credibly-report .legend li{white-space:nowrap}
.credibly-report .legend small{color:var(--muted)}
.credibly-report .doc{white-space:pre-wrap;overflow-wrap:anywhere;line-height:2.05;font-size:1.02rem;
background:var(--bg);border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem;margin:0;unicode-bidi:plaintext}
.credibly-report mark,.credibly-report .sample{background:transparent;color:inherit;border-radius:2px;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.credibly-report .f-hedging{background:var(--t-hedging);border-bottom:2px dotted var(--c-hedging);padding-bottom:7px}
.credibly-report .f-attribution{background:var(--t-attribution);border-bottom:3px double var(--c-attribution);padding-bottom:3px}
.credibly-report .f-translation{background:var(--t-translation);border-bottom:2px solid var(--c-translation)}
.credibly-report .f-ai_generated{background:var(--t-ai_generated);border-bottom:2px dashed var(--c-ai_generated);padding-bottom:10px}
.credibly-report .f-boilerplate{background:var(--t-boilerplate);border-top:2px solid var(--c-boilerplate)}
.credibly-report .sample{padding:0 .3rem;font-weight:600}
.credibly-report mark[data-tip]{position:relative;cursor:help}
.credibly-report mark[data-tip]:hover,.credibly-report mark[data-tip]:focus{outline:2px solid var(--fg);outline-offset:1px}
.credibly-report mark[data-tip]:focus::after{content:attr(data-tip);position:absolute;left:0;top:100%;z-index:5;
white-space:pre;width:max-content;max-width:36rem;background:var(--bg);color:var(--fg);border:1px solid var(--fg);
border-radius:.3rem;padding:.3rem .5rem;font-size:.8rem;line-height:1.4;font-weight:400}
.credibly-report .evsum .famrow th{padding-top:.45rem}
.credibly-report .evsum td:first-child{padding-left:1rem}
.credibly-report footer{color:var(--muted);font-size:.85rem;margin-top:1.5rem}
.credibly-report .err{color:var(--down);font-weight:600}
@media (prefers-color-scheme:dark){
.credibly-page{background:#15171b;color:#e7e9ec}
.credibly-report{--fg:#e7e9ec;--bg:#15171b;--muted:#a3aab4;--line:#3a3f47;--panel:#1e2126;
--up:#56B4E9;--down:#F08A3C;--c-attribution:#56B4E9;--c-ai_generated:#F08A3C;
--t-hedging:rgba(230,159,0,.32);--t-attribution:rgba(86,180,233,.28);--t-translation:rgba(0,158,115,.38);
--t-ai_generated:rgba(240,138,60,.30);--t-boilerplate:rgba(204,121,167,.34)}
}
@media print{
.credibly-page{background:#fff;color:#000}
.credibly-report{--fg:#000;--bg:#fff;--muted:#444;--line:#999;--panel:#fff;--up:#0072B2;--down:#D55E00;
--c-attribution:#0072B2;--c-ai_generated:#D55E00;
--t-hedging:rgba(230,159,0,.30);--t-attribution:rgba(0,114,178,.20);--t-translation:rgba(0,158,115,.25);
--t-ai_generated:rgba(213,94,0,.22);--t-boilerplate:rgba(204,121,167,.28);
max-width:none;padding:0;font-size:11pt}
.credibly-report .noprint{display:none}
.credibly-report section.card,.credibly-report .legend,.credibly-report tr{break-inside:avoid}
.credibly-report .doc{border:none;padding:0}
.credibly-report mark[data-tip]:hover,.credibly-report mark[data-tip]:focus{outline:none}
.credibly-report mark[data-tip]:focus::after{display:none}
.credibly-report a{color:inherit;text-decoration:none}
}
"""

_CSS_BATCH = """
.credibly-report .sortkeys{position:absolute;left:-9999px}
.credibly-report .tablewrap{overflow-x:auto}
.credibly-report table.batch{display:block;min-width:62rem}
.credibly-report table.batch thead,.credibly-report table.batch tbody{display:flex;flex-direction:column}
.credibly-report table.batch tr{display:grid;align-items:center;border-bottom:1px solid var(--line);
grid-template-columns:3rem minmax(10rem,1.7fr) 4.6rem 3.8rem repeat(5,6rem) minmax(14rem,2.3fr)}
.credibly-report table.batch thead tr{border-bottom:2px solid var(--fg);align-items:end}
.credibly-report table.batch td,.credibly-report table.batch th{overflow-wrap:break-word;min-width:0}
.credibly-report table.batch th{font-size:.8rem}
.credibly-report table.batch th.num .sort{justify-content:flex-end}
.credibly-report .sort{display:flex;gap:.15rem;margin-top:.15rem}
.credibly-report .sort label{cursor:pointer;border:1px solid var(--line);border-radius:.2rem;padding:0 .2rem;font-size:.75rem;line-height:1.3}
.credibly-report .failed td{color:var(--muted)}
.credibly-report .failed .err{color:var(--down)}
@media print{.credibly-report table.batch{min-width:0}.credibly-report .sort{display:none}}
"""


def _csp(style: str) -> str:
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; script-src 'none'; object-src 'none'; img-src 'none'; "
        f"style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _page(title: str, body: str, css: str) -> str:
    style = css
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(style)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<meta name="generator" content="credibly">\n'
        f"<title>{_esc(title)}</title>\n"
        f"<style>{style}</style>\n"
        '</head>\n<body class="credibly-page">\n'
        f'<div class="credibly-report">\n{body}</div>\n</body>\n</html>\n'
    )


# --------------------------------------------------------------------------- spans


@dataclass(frozen=True)
class _Span:
    index: int  # position in Result.evidence
    family: str
    kind: str
    start: int
    end: int


def _family_order(family: str) -> tuple[int, str]:
    return (FAMILIES.index(family) if family in FAMILIES else len(FAMILIES), family)


def _css_ident(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", s)


def _valid_spans(evidence: Sequence[Any], n: int) -> list[_Span]:
    spans = []
    for i, e in enumerate(evidence):
        try:
            start, end = int(e.start), int(e.end)
        except (TypeError, ValueError, AttributeError):
            continue
        start, end = max(0, start), min(n, end)
        if start < end:
            spans.append(_Span(i, str(e.family), str(e.kind), start, end))
    return spans


def render_text(text: str, evidence: Sequence[Any], tips: Mapping[tuple[str, str], str] | None = None) -> str:
    """The escaped document text with every evidence span wrapped in ``<mark>``.

    Boundary sweep: the text is cut at every span start and end; each piece covered
    by spans is wrapped in one ``<mark class="ev f-<family>">`` per active family,
    nested in family order. Each mark carries ``data-family``, ``data-kinds`` and
    ``data-ev`` (the indices into ``evidence`` active over the piece); the innermost
    also has a ``title``/``data-tip`` listing every active kind with its contribution
    (``tips`` maps ``(family, kind)`` to that line). Spans outside the text are
    clipped; empty ones are skipped. The visible text is exactly ``text``.
    """
    spans = _valid_spans(evidence, len(text))
    if not spans:
        return _esc_text(text)
    starts: dict[int, list[_Span]] = {}
    ends: dict[int, list[_Span]] = {}
    for s in spans:
        starts.setdefault(s.start, []).append(s)
        ends.setdefault(s.end, []).append(s)
    cuts = sorted(set(starts) | set(ends) | {0, len(text)})
    active: dict[int, _Span] = {}
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        for s in ends.get(a, ()):
            active.pop(s.index, None)
        for s in starts.get(a, ()):
            active[s.index] = s
        piece = _esc_text(text[a:b])
        if not active:
            out.append(piece)
            continue
        by_family: dict[str, list[_Span]] = {}
        for s in sorted(active.values(), key=lambda s: s.index):
            by_family.setdefault(s.family, []).append(s)
        fams = sorted(by_family, key=_family_order)
        lines = []
        for fam in fams:
            seen = set()
            for s in by_family[fam]:
                if s.kind not in seen:
                    seen.add(s.kind)
                    lines.append((tips or {}).get((fam, s.kind)) or f"{_FAMILY_NAMES.get(fam, fam)}: {s.kind}")
        tip = _esc("\n".join(lines))
        opened = []
        for depth, fam in enumerate(fams):
            group = by_family[fam]
            kinds = " ".join(dict.fromkeys(s.kind for s in group))
            ids = " ".join(str(s.index) for s in group)
            attrs = (
                f'class="ev f-{_css_ident(fam)}" data-family="{_esc(fam)}" '
                f'data-kinds="{_esc(kinds)}" data-ev="{ids}"'
            )
            if depth == len(fams) - 1:
                attrs += f' title="{tip}" data-tip="{tip}" tabindex="0"'
            opened.append(f"<mark {attrs}>")
        out.append("".join(opened) + piece + "</mark>" * len(opened))
    return "".join(out)


# --------------------------------------------------------------------------- contributions


def _suffix(feature: str) -> str:
    return feature.split(".", 1)[-1]


def _family_totals(result: Result) -> dict[str, float]:
    totals: dict[str, float] = {}
    for s in result.signals(None):
        totals[s.family] = totals.get(s.family, 0.0) + s.contribution
    return totals


def _kind_contribution(result: Result, family: str, kind: str) -> tuple[str, float] | None:
    """The feature an evidence kind counts towards, with its contribution (largest if several)."""
    # an unlisted kind is matched by name: "hedge" -> "hedges_per_1k", "hedge_share", ...
    wanted: tuple[str, ...] = (f"{kind}s_per_1k", f"{kind}_per_1k", f"{kind}_share", f"{kind}s")
    for (fam, k), feats in _KIND_FEATURES.items():
        if fam == family and (kind == k or (k.endswith("_") and kind.startswith(k))):
            wanted = feats
            break
    best: tuple[str, float] | None = None
    from .api import _family_of

    for feature, c in result.contributions.items():
        if feature.startswith("family."):
            continue
        if _family_of(feature) != family or _suffix(feature) not in wanted:
            continue
        if best is None or abs(c) > abs(best[1]):
            best = (_suffix(feature), c)
    return best


def _direction(c: float) -> str:
    return "raises trust" if c > 0 else "lowers trust" if c < 0 else "no effect"


def _arrow(c: float) -> str:
    return "\u2191 raises" if c > 0 else "\u2193 lowers" if c < 0 else "none"


def _tips(result: Result, spans: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    totals = _family_totals(result)
    tips = {}
    for fam, kind in set(spans):
        name = _FAMILY_NAMES.get(fam, fam)
        hit = _kind_contribution(result, fam, kind)
        if hit is not None:
            feat, c = hit
            line = f"{name}: {kind} \u2014 {feat} contributes {_signed(c)} ({_direction(c)})"
        elif fam in totals:
            c = totals[fam]
            line = f"{name}: {kind} \u2014 the {name.lower()} family contributes {_signed(c)} in total"
        else:
            line = f"{name}: {kind}"
        tips[(fam, kind)] = line
    return tips


# --------------------------------------------------------------------------- page parts


def _dots(trust: float) -> str:
    n = _in_ten(trust)
    on = ' class="on"'
    rects = "".join(
        f'<rect x="{2 + 22 * i}" y="2" width="18" height="18" rx="3"{on if i < n else ""}/>' for i in range(10)
    )
    return (
        f'<svg class="dots" width="222" height="22" viewBox="0 0 222 22" role="img" '
        f'aria-label="{n} in 10">{rects}</svg>'
    )


def _hbar(value: float | None, cls: str) -> str:
    w = 0.0 if not _finite(value) else min(max(float(value), 0.0), 1.0) * 100
    return (
        '<svg class="bar" width="100%" height="12" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true">'
        '<rect class="track" x="0" y="1" width="100" height="10"/>'
        f'<rect class="{cls}" x="0" y="1" width="{w:.2f}" height="10"/></svg>'
    )


def _divbar(c: float, scale: float) -> str:
    w = 0.0 if scale <= 0 else min(abs(c) / scale, 1.0) * 50
    x = 50 if c >= 0 else 50 - w
    cls = "fill-up" if c >= 0 else "fill-down"
    return (
        '<svg class="bar" width="100%" height="12" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect class="{cls}" x="{x:.2f}" y="1" width="{w:.2f}" height="10"/>'
        '<line class="axis" x1="50" y1="0" x2="50" y2="12"/></svg>'
    )


def _score_card(result: Result) -> str:
    trust = result.trust
    return (
        '<section class="card score" aria-labelledby="h-score">\n<h2 id="h-score">Trust score</h2>\n'
        f'<p class="trust">{_num(trust)}</p>\n'
        f'<p class="meaning">{_esc(trust_meaning(trust))}</p>\n'
        f"{_dots(trust)}\n"
        f'<p class="meta">The score is a calibrated probability: 0 = untrustworthy, 1 = trustworthy.</p>\n'
        "</section>\n"
    )


def _families_card(result: Result) -> str:
    rows = []
    for fam in FAMILIES:
        v = result.families.get(fam)
        rows.append(
            f'<tr><th scope="row">{_esc(_FAMILY_NAMES.get(fam, fam))}</th>'
            f'<td class="bar">{_hbar(v, "fill-" + fam)}</td><td class="num">{_num(v)}</td></tr>'
        )
    return (
        '<section class="card" aria-labelledby="h-fam">\n<h2 id="h-fam">Signal families</h2>\n'
        '<table class="fams"><thead><tr><th>Family</th><th>Strength (0\u20131)</th><th class="num">Value</th></tr>'
        "</thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"
        '<p class="meta">How strongly each family of signals is present; n/a = not measured for this language.</p>\n'
        "</section>\n"
    )


def _contrib_card(result: Result, top: int) -> str:
    sigs = result.signals(top)
    if not sigs:
        body = "<p>No feature moved the score.</p>"
    else:
        scale = max(abs(s.contribution) for s in sigs)
        rows = []
        for s in sigs:
            rows.append(
                f"<tr><td>{_breakable(s.label())}</td><td class=\"num\">{_esc(_num(s.value, '.3g'))}</td>"
                f'<td class="bar">{_divbar(s.contribution, scale)}</td>'
                f'<td class="num">{_esc(_signed(s.contribution))}</td>'
                f'<td class="dir" title="{_direction(s.contribution)}">{_arrow(s.contribution)}</td></tr>'
            )
        total = sum(result.contributions.values())
        source = result.source_term
        prior = (
            f", source prior {_esc(_signed(source))} (document alone: trust {_esc(_num(result.document_trust, '.3f'))})"
            if source is not None else ""
        )
        body = (
            '<table class="contrib"><thead><tr><th>Feature</th><th class="num">Value</th>'
            '<th>Effect</th><th class="num">Logit</th><th>Trust</th></tr></thead><tbody>\n'
            + "\n".join(rows)
            + "\n</tbody></table>\n"
            f'<p class="meta">Contributions are on the logit scale: base {_esc(_signed(result.base))}, '
            f"all features together {_esc(_signed(total))}{prior}; "
            f"logit {_esc(_signed(result.base + total + (source or 0.0)))}.</p>"
        )
    return (
        '<section class="card" aria-labelledby="h-contrib">\n<h2 id="h-contrib">Top contributions</h2>\n'
        f"{body}\n</section>\n"
    )


def _legend(result: Result, spans: list[_Span]) -> str:
    counts: dict[str, int] = {}
    for s in spans:
        counts[s.family] = counts.get(s.family, 0) + 1
    totals = _family_totals(result)
    items = []
    fams = list(FAMILIES) + sorted(f for f in counts if f not in FAMILIES)
    for fam in fams:
        name = _FAMILY_NAMES.get(fam, fam)
        line = _FAMILY_LINE.get(fam, "highlight")
        c = totals.get(fam)
        contrib = f", family contributes {_signed(c)}" if c is not None else ""
        items.append(
            f'<li><span class="sample f-{_css_ident(fam)}">{_esc(name)}</span> '
            f"<small>{_esc(line)} \u00b7 {counts.get(fam, 0)} span{'s' if counts.get(fam, 0) != 1 else ''}"
            f"{_esc(contrib)}</small></li>"
        )
    return '<ul class="legend" aria-label="Highlight legend">\n' + "\n".join(items) + "\n</ul>\n"


def _evidence_summary(result: Result, spans: list[_Span]) -> str:
    groups: dict[tuple[str, str], int] = {}
    for s in spans:
        groups[(s.family, s.kind)] = groups.get((s.family, s.kind), 0) + 1
    if not groups:
        return ""
    rows = []
    last = None
    for fam, kind in sorted(groups, key=lambda fk: (_family_order(fk[0]), fk[1])):
        if fam != last:
            last = fam
            rows.append(
                f'<tr class="famrow"><th colspan="4" scope="rowgroup"><span class="sample f-{_css_ident(fam)}">'
                f"{_esc(_FAMILY_NAMES.get(fam, fam))}</span></th></tr>"
            )
        hit = _kind_contribution(result, fam, kind)
        feat = _breakable(hit[0]) if hit else "\u2013"
        contrib = _esc(_signed(hit[1])) if hit else "\u2013"
        rows.append(
            f'<tr><td>{_breakable(kind)}</td><td class="num">{groups[(fam, kind)]}</td>'
            f'<td>{feat}</td><td class="num">{contrib}</td></tr>'
        )
    return (
        '<section class="card" aria-labelledby="h-evsum">\n<h2 id="h-evsum">Evidence by kind</h2>\n'
        '<table class="evsum"><thead><tr><th>Kind</th><th class="num">Spans</th><th>Counts towards</th>'
        '<th class="num">Logit</th></tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table>\n"
        '<p class="meta">Logit: the contribution of the feature the kind counts towards.</p>\n</section>\n'
    )


def result_html(
    result: Result,
    *,
    source: str | None = None,
    top: int = DEFAULT_TOP,
    back_href: str | None = None,
) -> str:
    """A standalone HTML page for one :class:`~credibly.Result` (no scripts, no network).

    ``source`` names the document in the heading; ``back_href`` (a relative link,
    used for batch reports) adds a link back to the index page.
    """
    from . import __version__

    text = result.text
    heading = source if source else "Document"
    parts: list[str] = []
    if back_href and _safe_href(back_href):
        parts.append(f'<p class="noprint"><a href="{_esc(back_href)}">\u2190 all documents</a></p>\n')
    parts.append(f"<header>\n<h1><bdi>{_esc(heading)}</bdi></h1>\n")
    meta = ["credibly report"]
    if result.language:
        lang = f"language {result.language}"
        if not result.language_supported:
            lang += " (not supported: language-dependent signals not measured)"
        meta.append(lang)
    if text is not None:
        meta.append(f"{len(text):,} characters")
    sep = " \u00b7 "
    parts.append(f'<p class="meta">{_esc(sep.join(meta))}</p>\n</header>\n')
    if result.error:
        parts.append(f'<p class="note"><span class="err">Not scored:</span> {_esc(result.error)}</p>\n')
    if result.truncated:
        parts.append(
            '<p class="note">This document is long: only its first part was analysed, '
            "so evidence is marked only there.</p>\n"
        )
    spans: list[_Span] = []
    if result.ok:
        n = len(text) if text is not None else 0
        spans = _valid_spans(result.evidence, n)
        tips = _tips(result, ((s.family, s.kind) for s in spans))
        parts.append('<div class="grid">\n')
        parts.append(_score_card(result))
        parts.append(_families_card(result))
        parts.append("</div>\n")
        parts.append('<div class="grid two">\n')
        parts.append(_contrib_card(result, top))
        parts.append(_evidence_summary(result, spans))
        parts.append("</div>\n")
    else:
        tips = {}
    if text is not None:
        parts.append('<section aria-labelledby="h-doc">\n<h2 id="h-doc">Document text with evidence</h2>\n')
        parts.append(_legend(result, spans))
        parts.append(
            '<p class="meta noprint">Hover over a highlight (or click it) to see its kind and contribution. '
            "The text is shown exactly as scored.</p>\n"
        )
        lang_ok = bool(result.language and re.fullmatch(r"[A-Za-z-]{2,12}", result.language))
        doc_lang = f' lang="{_esc(result.language)}"' if lang_ok else ""
        parts.append(f'<div class="doc"{doc_lang}>{render_text(text, result.evidence, tips)}</div>\n</section>\n')
    elif result.ok and result.evidence:
        parts.append("<p>(The scored text is not available; evidence offsets cannot be shown.)</p>\n")
    parts.append(
        f"<footer>Made by credibly {_esc(__version__)}. This page is self-contained: "
        "it runs no scripts and loads nothing from the network.</footer>\n"
    )
    return _page(f"credibly report: {heading}", "".join(parts), _CSS_BASE)


# --------------------------------------------------------------------------- batch index


@dataclass(frozen=True)
class IndexRow:
    """One line of the batch index page (kept small: no document text)."""

    source: str
    href: str | None
    trust: float | None
    language: str | None = None
    families: Mapping[str, float | None] = field(default_factory=dict)
    top_signals: tuple[str, ...] = ()
    error: str | None = None
    n_evidence: int = 0

    @classmethod
    def from_result(cls, source: str, href: str | None, result: Result, k: int = 3) -> IndexRow:
        return cls(
            source=source,
            href=href,
            trust=result.trust,
            language=result.language,
            families=dict(result.families),
            top_signals=tuple(result.top_signals(k)) if result.ok else (),
            error=result.error,
            n_evidence=len(result.evidence),
        )


def _safe_href(href: str) -> bool:
    """Only relative links to a path: no scheme (``javascript:``), no ``//host``."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.scheme or parts.netloc or href.lstrip().startswith(("/", "\\")):
        return False
    return ":" not in href.split("/")[0]


_SORT_KEYS = (
    ("order", "#"),
    ("name", "Document"),
    ("trust", "Trust"),
    ("lang", "Lang."),
) + tuple((f"fam-{f}", _FAMILY_NAMES[f]) for f in FAMILIES)


def _sort_value(row: IndexRow, key: str, i: int) -> Any:
    if key == "order":
        return i
    if key == "name":
        return row.source.casefold()
    if key == "trust":
        return row.trust if _finite(row.trust) else None
    if key == "lang":
        return row.language or None
    v = row.families.get(key[4:])
    return v if _finite(v) else None


def _ranks(rows: Sequence[IndexRow], key: str, reverse: bool) -> list[int]:
    vals = [_sort_value(r, key, i) for i, r in enumerate(rows)]
    present = [i for i, v in enumerate(vals) if v is not None]
    missing = [i for i, v in enumerate(vals) if v is None]
    present.sort(key=lambda i: vals[i], reverse=reverse)  # stable: ties keep input order
    ranks = [0] * len(rows)
    for r, i in enumerate(present + missing):
        ranks[i] = r
    return ranks


def batch_html(rows: Iterable[IndexRow | tuple[str, str | None, Result]], *, title: str = "credibly report") -> str:
    """The batch index page: a table of every document, sortable by each column.

    ``rows`` are :class:`IndexRow` or ``(source, href, result)`` tuples; ``href`` is a
    relative link to the document's page (other links are dropped). Sorting works
    without JavaScript: radio buttons in the column headers select a CSS ``order``.
    """
    rs: list[IndexRow] = [r if isinstance(r, IndexRow) else IndexRow.from_result(*r) for r in rows]
    css_rows = []
    for key, _ in _SORT_KEYS:
        for d in ("asc", "desc"):
            css_rows.append(
                f"#s-{key}-{d}:checked~.tablewrap tbody tr{{order:var(--{key}-{d})}}\n"
                f"#s-{key}-{d}:checked~.tablewrap label[for=s-{key}-{d}]{{background:var(--fg);color:var(--bg)}}\n"
                f"#s-{key}-{d}:focus-visible~.tablewrap label[for=s-{key}-{d}]{{outline:2px solid var(--up)}}\n"
            )
    ranks = {(key, d): _ranks(rs, key, d == "desc") for key, _ in _SORT_KEYS for d in ("asc", "desc")}
    for i in range(len(rs)):
        props = ";".join(f"--{key}-{d}:{ranks[(key, d)][i]}" for key, _ in _SORT_KEYS for d in ("asc", "desc"))
        css_rows.append(f".credibly-report .r{i}{{{props}}}\n")
    css = _CSS_BASE + _CSS_BATCH + "".join(css_rows)

    radios = "".join(
        f'<input type="radio" name="sort" id="s-{key}-{d}" class="sortkeys"'
        f'{" checked" if key == "order" and d == "asc" else ""} aria-label="sort by {_esc(label)} '
        f'{"ascending" if d == "asc" else "descending"}">\n'
        for key, label in _SORT_KEYS
        for d in ("asc", "desc")
    )
    head = []
    for key, label in _SORT_KEYS:
        cls = ' class="num"' if key not in ("name", "lang") else ""
        head.append(
            f'<th role="columnheader"{cls}>{_esc(label)}<span class="sort">'
            f'<label for="s-{key}-asc" title="sort ascending">\u25b2</label>'
            f'<label for="s-{key}-desc" title="sort descending">\u25bc</label></span></th>'
        )
    head.append('<th role="columnheader">Top signals / error</th>')
    body = []
    n_failed = 0
    dash = "\u2013"
    for i, r in enumerate(rs):
        name = f"<bdi>{_breakable(r.source)}</bdi>"
        if r.href and _safe_href(r.href):
            name = f'<a href="{_esc(r.href)}">{name}</a>'
        if r.error:
            n_failed += 1
        trust = (
            f"{_num(r.trust)}<br><small>{_in_ten(r.trust)} in 10</small>" if _finite(r.trust) else "\u2013"
        )
        fams = "".join(f'<td role="cell" class="num">{_num(r.families.get(f))}</td>' for f in FAMILIES)
        last = (
            f'<span class="err">error:</span> {_esc(r.error)}'
            if r.error
            else "<br>".join(_breakable(t) for t in r.top_signals)
        )
        body.append(
            f'<tr role="row" class="r{i}{" failed" if r.error else ""}">'
            f'<td role="cell" class="num">{i + 1}</td><td role="cell">{name}</td>'
            f'<td role="cell" class="num">{trust}</td><td role="cell">{_esc(r.language or dash)}</td>'
            f'{fams}<td role="cell">{last}</td></tr>'
        )
    summary = f"{len(rs)} document{'s' if len(rs) != 1 else ''}"
    if n_failed:
        summary += f", {n_failed} not scored"
    from . import __version__

    content = (
        f"<header>\n<h1>{_esc(title)}</h1>\n<p class=\"meta\">{_esc(summary)}. "
        "Trust is the calibrated probability that a document is trustworthy: of documents scored "
        "like this, about N in 10 were trustworthy. Family columns give signal strengths (0\u20131). "
        "Sort with the \u25b2\u25bc buttons in the column headers.</p>\n</header>\n"
        + radios
        + '<div class="tablewrap">\n<table class="batch" role="table">\n<thead><tr role="row">'
        + "".join(head)
        + "</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table>\n</div>\n"
        f"<footer>Made by credibly {_esc(__version__)}. This page is self-contained: "
        "it runs no scripts and loads nothing from the network.</footer>\n"
    )
    return _page(title, content, css)


# --------------------------------------------------------------------------- CLI

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}


def page_name(source: str, used: set[str]) -> str:
    """A safe, unique file name (``<name>.html``) for an input's page; adds it to ``used``."""
    if source == "-":
        base = "stdin"
    else:
        base = re.split(r"[\\/]", source.rstrip("/\\"))[-1] or "document"
        stem, dot, ext = base.rpartition(".")
        if dot and stem and ext.lower() in ("txt", "text", "html", "htm"):
            base = stem
    base = re.sub(r"[^\w.-]+", "_", base, flags=re.ASCII).strip("._") or "document"
    base = base[:100]
    if base.lower() in _WINDOWS_RESERVED or base.lower() == "index":
        base += "_doc"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base}-{n}"
    used.add(name.lower())
    return name + ".html"


def configure(subparsers) -> None:
    from .cli import _EPILOG

    import argparse

    p = subparsers.add_parser(
        "report",
        help="write self-contained HTML reports with the evidence highlighted",
        description=(
            "Write one self-contained HTML page per input into the folder OUT, plus index.html (a\n"
            "sortable table linking to every page) when there is more than one input. A page shows the\n"
            "trust score and its meaning, the family strengths, the top contributions and the document\n"
            "text with every evidence span highlighted. Pages run no scripts and load nothing from the\n"
            "network; the path of the page to open is printed on stdout."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="file, folder, table or '-'; default: the demo documents")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="folder to write the pages into (created if needed)")
    p.add_argument("--demo", action="store_true", help="report on the demo documents shipped with credibly")
    p.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="K",
                   help=f"feature contributions listed per page (default {DEFAULT_TOP})")
    inp = p.add_argument_group("input")
    inp.add_argument("--text-column", default="text", help="text column of table inputs (default: text)")
    inp.add_argument("--id-column", default=None, help="id column of table inputs")
    inp.add_argument("--language", default=None, help="ISO 639-1 code for every input (default: detect)")
    inp.add_argument("--model", default=None, metavar="DIR", help="model folder or file (default: the shipped model)")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="worker processes for scoring (-1: one per core); pages keep the input order")
    p.set_defaults(run=run)


def _write(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", errors="replace", newline="") as fh:
        fh.write(content)
    tmp.replace(path)


def run(args) -> int:
    """``credibly report``: exit 0 if every input was scored, 1 if some failed, 2 on usage errors."""
    from .cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, _demo_paths, _score_items
    from .errors import ModelFormatError
    from .read import iter_inputs

    if args.top < 0:
        log.error("--top must be 0 or more")
        return EXIT_USAGE
    if args.jobs == 0 or args.jobs < -1:
        log.error("--jobs must be a positive number or -1")
        return EXIT_USAGE
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        log.error("%s exists and is not a folder", out)
        return EXIT_USAGE
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.error("cannot create %s: %s", out, exc)
        return EXIT_USAGE
    paths = list(args.paths)
    if args.demo or not paths:
        paths = _demo_paths() + paths

    rows: list[IndexRow] = []  # small: no document text is kept
    used: set[str] = set()
    failed = 0
    pending: tuple[str, str, Result] | None = None  # the first page waits: is this a batch?
    entry: Path | None = None

    def write_page(name: str, source: str, result: Result, batch: bool) -> None:
        page = result_html(result, source=source, top=args.top, back_href="index.html" if batch else None)
        _write(out / name, page)
        log.info("wrote %s", out / name)

    items = iter_inputs(paths, text_column=args.text_column, id_column=args.id_column)
    try:
        for item, result in _score_items(items, args):
            name = page_name(item.source, used)
            if not result.ok:
                failed += 1
            rows.append(IndexRow.from_result(item.source, quote(name), result))
            if len(rows) == 1:
                pending = (name, item.source, result)
                continue
            if pending is not None:
                write_page(*pending, batch=True)
                pending = None
            write_page(name, item.source, result, batch=True)
        if pending is not None:
            write_page(*pending, batch=False)
            entry = out / pending[0]
        elif rows:
            entry = out / "index.html"
            _write(entry, batch_html(rows))
    except (ModelFormatError, KeyError) as exc:
        log.error("%s", exc.args[0] if isinstance(exc, KeyError) else exc)
        return EXIT_USAGE
    except OSError as exc:
        log.error("cannot write the report: %s", exc)
        return EXIT_USAGE
    if entry is None:
        log.error("no documents found in %s", ", ".join(paths))
        return EXIT_USAGE
    sys.stdout.write(f"{entry}\n")
    sys.stdout.flush()
    return EXIT_SOME_FAILED if failed else EXIT_OK

