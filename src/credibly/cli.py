"""The ``credibly`` command line.

Data goes to stdout, logs and progress to stderr. Exit codes:

  0  every input was scored
  1  at least one input could not be scored (its row carries ``error``)
  2  usage error (bad arguments, missing column, unreadable model)
  130 interrupted (only complete rows were written)
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import sys
from collections.abc import Iterator
from typing import Any

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
_EPILOG = """exit codes:
  0    every input was scored
  1    at least one input could not be scored (its row has 'error' set and 'trust' empty)
  2    usage error: bad arguments, missing column, unreadable or tampered model
  130  interrupted: only complete rows were written
"""

log = logging.getLogger("credibly")


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(
        prog="credibly",
        description="Score how trustworthy documents are as sources, with the evidence behind each score.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"credibly {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr (-vv for debug)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser(
        "score",
        help="score documents",
        description="Score text files, folders of them, '-' (stdin), or JSONL/CSV/Parquet tables.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("paths", nargs="*", metavar="PATH", help="file, folder, table or '-'; default: the demo documents")
    s.add_argument("--demo", action="store_true", help="score the demo documents shipped with credibly")
    out = s.add_argument_group("output")
    out.add_argument("--format", choices=("jsonl", "csv", "table"), default=None,
                     help="output format (default: table on a terminal, jsonl otherwise)")
    out.add_argument("--explain", action="store_true", help="print the top contributions with their evidence in context")
    out.add_argument("--features", action="store_true", help="include every feature in jsonl/csv rows")
    out.add_argument("--evidence", action="store_true", help="include evidence spans in jsonl rows")
    out.add_argument("--top", type=int, default=3, metavar="K", help="signals listed per row (default 3)")
    inp = s.add_argument_group("input")
    inp.add_argument("--text-column", default="text", help="text column of table inputs (default: text)")
    inp.add_argument("--id-column", default=None, help="id column of table inputs")
    inp.add_argument("--language", default=None, help="ISO 639-1 code for every input (default: detect)")
    inp.add_argument("--model", default=None, metavar="DIR", help="model folder or file (default: the shipped model)")
    src = s.add_argument_group(
        "source prior",
        "combine each document's score with a rating of its domain, as a separate, explained term: "
        "logit(trust) = document logit + weight * (logit(rating) - logit(0.5)); see docs/source_prior.md",
    )
    src.add_argument("--source-ratings", default=None, metavar="CSV",
                     help="domain-ratings CSV/TSV (a domain column and a rating column: numbers in [0, 1], "
                          "or see --source-scale / --source-labels)")
    src.add_argument("--url-column", default=None, metavar="C",
                     help="URL or domain column of table inputs (default: url, when the table has it); "
                          "rows without one get no source term")
    src.add_argument("--source-domain-column", default=None, metavar="C",
                     help="domain column of the ratings file (default: detect domain/source/site/url/...)")
    src.add_argument("--source-rating-column", default=None, metavar="C",
                     help="rating column of the ratings file (default: detect rating/reliability/score/label/...)")
    src.add_argument("--source-scale", default=None, metavar="LOW,HIGH",
                     help="numeric ratings on this range, mapped linearly onto 0..1 (e.g. 0,100)")
    src.add_argument("--source-labels", default=None, metavar="L=P,...",
                     help="categorical ratings: each label's probability, e.g. high=0.9,mixed=0.5,low=0.1")
    src.add_argument("--source-weight", type=float, default=None, metavar="W",
                     help="weight of the source term (default: the measured default, see docs/source_prior.md)")
    run = s.add_argument_group("run")
    run.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="worker processes (-1: one per core); output order is the input order")
    run.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                     help="progress with documents/s on stderr (auto: only when stderr is a terminal)")
    for name in _COMMAND_MODULES:
        mod = _command_module(name)
        if mod is not None:
            mod.configure(sub)
    return p


#: modules that add a subcommand: each has configure(subparsers) and run(args) -> int
_COMMAND_MODULES = ("report", "evaluate", "train_cli")


def _command_module(name: str):
    import importlib
    import importlib.util

    if importlib.util.find_spec(f"credibly.{name}") is None:
        return None
    return importlib.import_module(f"credibly.{name}")


def _demo_paths() -> list[str]:
    from .resources import data_path

    return [str(data_path("demo"))]


def _row(item_source: str, r, k: int, with_features: bool, with_evidence: bool, with_source: bool = False) -> dict[str, Any]:
    from .api import result_row

    row: dict[str, Any] = {"source": item_source}
    flat = result_row(r, features=with_features, source=with_source)
    if r.ok:
        flat["top_signals"] = "; ".join(r.top_signals(k))
    row.update(flat)
    if with_evidence:
        row["evidence"] = [e._asdict() for e in r.evidence]
    return row


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _encodable(v: Any, stream) -> Any:
    if isinstance(v, str):
        enc = getattr(stream, "encoding", None) or "utf-8"
        try:
            v.encode(enc)
        except UnicodeEncodeError:
            return v.encode(enc, "backslashreplace").decode(enc)
    return v


class _Writer:
    def __init__(self, fmt: str, stream):
        self.fmt, self.stream = fmt, stream
        self.csv: csv.DictWriter | None = None
        self.header_done = False

    def write(self, row: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            line = json.dumps(clean, ensure_ascii=False)
            try:
                line.encode(self.stream.encoding or "utf-8")
            except UnicodeEncodeError:  # lone surrogates: escape them instead of failing the batch
                line = json.dumps(clean, ensure_ascii=True)
            self.stream.write(line + "\n")
        elif self.fmt == "csv":
            if self.csv is None:
                self.csv = csv.DictWriter(self.stream, fieldnames=list(row), extrasaction="ignore")
                self.csv.writeheader()
            self.csv.writerow({k: ("" if v is None else _encodable(v, self.stream)) for k, v in row.items() if k != "evidence"})
        else:
            if not self.header_done:
                self.stream.write(f"{'trust':>5}  {'lang':4}  {'hedg':>4} {'attr':>4} {'trans':>5} {'ai':>4} {'boil':>4}  source / top signals\n")
                self.header_done = True
            fam = [row.get(f"family_{f}") for f in ("hedging", "attribution", "translation", "ai_generated", "boilerplate")]
            src = _encodable(row["source"], self.stream)
            if row.get("error"):
                self.stream.write(f"{'-':>5}  {'-':4}  {'':>26}  {src}\n{'':>41}error: {row['error']}\n")
            else:
                self.stream.write(
                    f"{row['trust']:5.2f}  {_fmt(row['language']):4}  {_fmt(fam[0]):>4} {_fmt(fam[1]):>4} {_fmt(fam[2]):>5} "
                    f"{_fmt(fam[3]):>4} {_fmt(fam[4]):>4}  {src}\n{'':>41}{row['top_signals']}{_source_note(row)}\n"
                )
        self.stream.flush()


def _source_note(row: dict[str, Any]) -> str:
    """The source prior on a table row: '' without one."""
    if row.get("source_term") is None:
        return ""
    return f"  [source {row['source_domain']} rated {row['source_rating']:.2f}: {row['source_term']:+.2f} logit]"


def _load_ratings(args):
    """The SourceRatings of ``--source-ratings`` (None without it); raises SourceRatingsError/OSError."""
    if args.source_ratings is None:
        if args.url_column is not None:
            log.warning("--url-column has no effect without --source-ratings")
        return None
    from .source_prior import DEFAULT_WEIGHT, SourceRatings, SourceRatingsError

    labels = scale = None
    if args.source_labels:
        labels = {}
        for part in args.source_labels.split(","):
            key, sep, value = part.rpartition("=")
            if not sep or not key.strip():
                raise SourceRatingsError(f"--source-labels: expected LABEL=PROBABILITY, got {part!r}")
            try:
                labels[key.strip()] = None if value.strip().lower() in ("", "none", "skip") else float(value)
            except ValueError:
                raise SourceRatingsError(f"--source-labels: {value!r} is not a number") from None
    if args.source_scale:
        try:
            lo, hi = (float(v) for v in args.source_scale.split(","))
        except ValueError:
            raise SourceRatingsError(f"--source-scale: expected LOW,HIGH, got {args.source_scale!r}") from None
        scale = (lo, hi)
    return SourceRatings.from_csv(
        args.source_ratings, args.source_domain_column, args.source_rating_column, labels=labels, scale=scale,
        weight=DEFAULT_WEIGHT if args.source_weight is None else args.source_weight,
    )


def _score_items(items: Iterator, args) -> Iterator[tuple[Any, Any]]:
    from .api import _error_text, failed, score
    from .errors import CrediblyError
    from .model import load_model

    model = load_model(args.model)
    if args.jobs != 1:
        import dataclasses

        from .parallel import imap_ordered, init_worker, model_document, score_one

        pairs = imap_ordered(
            score_one,
            items,
            args.jobs,
            16,
            initializer=init_worker,
            initargs=(model_document(model), True),
            send=lambda item: (item.text, args.language, item.error),
            with_input=True,
        )
        for item, r in pairs:
            yield item, (dataclasses.replace(r, text=item.text) if r.ok else r)
        return
    for item in items:
        if item.error is not None:
            yield item, failed(item.error)
            continue
        try:
            yield item, score(item.text, args.language, model=model)
        except (CrediblyError, TypeError, ValueError) as exc:
            yield item, failed(_error_text(exc))
        except Exception as exc:  # a bug on one document must not end the batch
            log.exception("internal error on %s", item.source)
            yield item, failed(f"internal_error: {type(exc).__name__}: {exc}")


def cmd_score(args) -> int:
    from .errors import ModelFormatError
    from .read import iter_inputs

    paths = list(args.paths)
    if args.demo or not paths:
        paths = _demo_paths() + paths
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    try:
        ratings = _load_ratings(args)
    except (OSError, ValueError) as exc:  # SourceRatingsError is a ValueError
        log.error("source ratings: %s", exc)
        return EXIT_USAGE
    writer = _Writer(fmt, sys.stdout)
    failed_rows = 0
    # with ratings, each table row also carries its URL column (the same single read); an
    # explicit --url-column must exist, the default "url" may be absent (no prior then)
    url_column = (args.url_column or "url") if ratings is not None else None
    items = iter_inputs(paths, text_column=args.text_column, id_column=args.id_column,
                        extra_columns={url_column: args.url_column is not None} if url_column else None)
    if ratings is not None:
        from .api import with_source
    progress = _Progress(args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty()))
    try:
        for item, r in _score_items(items, args):
            if not r.ok:
                failed_rows += 1
            if ratings is not None:
                r = with_source(r, ratings, item.extra.get(url_column))
            row = _row(item.source, r, args.top, args.features, args.evidence, ratings is not None)
            # how the input was read: detected encoding, HTML markup stripped, bytes cut
            row["encoding"] = item.extra.get("encoding")
            row["html_chars_removed"] = item.extra.get("html_chars_removed")
            row["truncated"] = bool(item.extra.get("truncated_bytes")) or bool(r.truncated)
            explanation = r.explain(k=max(args.top, 5), text=item.text) if args.explain and r.ok else None
            if args.explain and fmt != "table":
                row["explanation"] = explanation  # machine formats stay one row per input
            writer.write(row)
            progress.tick()
            if explanation and fmt == "table":
                sys.stdout.write(_indent(explanation) + "\n")
    except (ModelFormatError, KeyError) as exc:
        log.error("%s", exc.args[0] if isinstance(exc, KeyError) else exc)
        return EXIT_USAGE
    finally:
        progress.close()
    return EXIT_SOME_FAILED if failed_rows else EXIT_OK


class _Progress:
    """Documents scored and documents/s on one stderr line (only when enabled)."""

    def __init__(self, enabled: bool):
        import time

        self.enabled, self.n, self.t0, self.last, self._time = enabled, 0, time.monotonic(), 0.0, time.monotonic

    def tick(self) -> None:
        self.n += 1
        if not self.enabled:
            return
        now = self._time()
        if now - self.last >= 0.5:
            self.last = now
            rate = self.n / max(now - self.t0, 1e-9)
            sys.stderr.write(f"\rcredibly: {self.n} documents, {rate:.1f} docs/s")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.n:
            rate = self.n / max(self._time() - self.t0, 1e-9)
            sys.stderr.write(f"\rcredibly: {self.n} documents, {rate:.1f} docs/s\n")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="credibly: %(levelname)s: %(message)s")
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "score":
            return cmd_score(args)
        run = getattr(args, "run", None)
        if run is not None:
            return int(run(args))
    except KeyboardInterrupt:
        sys.stderr.write("credibly: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
