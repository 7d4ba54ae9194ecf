"""Ordered, bounded-memory multi-process scoring.

:func:`imap_ordered` is the engine: it maps a picklable function over a (possibly
endless) iterable in ``n_jobs`` worker processes, in chunks, and yields the results
in input order. At most ``n_jobs * prefetch`` chunks are in flight, so memory stays
bounded whatever the length of the input: the input is read lazily and results are
handed back as soon as the oldest chunk is done.

Workers never receive a pickled model: the parent sends the model's JSON document
(the same text as a model file, checksum included) and each worker rebuilds the
model with :meth:`TrustModel.from_document`, which verifies the checksum and only
parses numbers and strings.

Used by :func:`credibly.score_frame` (``n_jobs=N``, through :func:`score_rows_parallel`)
and by the command line's ``--jobs N`` (through :func:`score_results` or
:func:`imap_ordered` with :func:`score_one`).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from .model import TrustModel

__all__ = [
    "imap_ordered",
    "resolve_jobs",
    "model_document",
    "init_worker",
    "score_one",
    "score_row",
    "score_results",
    "score_rows_parallel",
]

#: default number of items sent to a worker at once
DEFAULT_CHUNKSIZE = 16
#: default number of chunks in flight per worker (2: one running, one queued)
DEFAULT_PREFETCH = 2

# -- worker state (set by init_worker in each worker process) --------------------
_MODEL: TrustModel | None = None
_FEATURES = True


def resolve_jobs(n_jobs: int | None) -> int:
    """``n_jobs`` as a process count: ``None``/0/1 -> 1, negative -> usable cores + 1 + n_jobs."""
    if not n_jobs:
        return 1
    if n_jobs < 0:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            cores = os.cpu_count() or 1
        return max(1, cores + 1 + n_jobs)
    return int(n_jobs)


def _context(start_method: str | None) -> multiprocessing.context.BaseContext:
    """The multiprocessing context for the workers.

    ``fork`` when it is safe (POSIX and this process runs a single thread): workers
    start at once and share the parent's already loaded data. Otherwise ``forkserver``
    (or ``spawn`` where there is none): forking a multi-threaded process, e.g. inside a
    Dask or web-server thread, can deadlock the child. ``CREDIBLY_START_METHOD``
    overrides the choice.
    """
    method = start_method or os.environ.get("CREDIBLY_START_METHOD") or None
    available = multiprocessing.get_all_start_methods()
    if method is None:
        if "fork" in available and threading.active_count() == 1:
            method = "fork"
        elif "forkserver" in available:
            method = "forkserver"
        else:
            method = "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        try:  # import credibly once in the fork server, not in every worker
            ctx.set_forkserver_preload(["credibly"])
        except Exception:  # pragma: no cover - preload is an optimisation only
            pass
    return ctx


def _pool_init(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool, the workers
    # must not print one traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _run_chunk(fn: Callable[[Any], Any], chunk: list) -> list:
    return [fn(x) for x in chunk]


def imap_ordered(
    fn: Callable[[Any], Any],
    iterable: Iterable[Any],
    n_jobs: int | None = 2,
    chunksize: int = DEFAULT_CHUNKSIZE,
    *,
    prefetch: int = DEFAULT_PREFETCH,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
    send: Callable[[Any], Any] | None = None,
    with_input: bool = False,
    start_method: str | None = None,
) -> Iterator[Any]:
    """Yield ``fn(x)`` for every ``x`` of ``iterable``, in input order, computed in
    ``n_jobs`` worker processes.

    Args:
        fn: a module-level (picklable) function of one argument.
        iterable: read lazily, ``chunksize`` items at a time.
        n_jobs: worker processes (``-1``: one per usable core). ``1`` runs ``fn`` in this
            process, after calling ``initializer(*initargs)`` here.
        chunksize: items per task sent to a worker.
        prefetch: chunks in flight per worker; memory holds at most
            ``n_jobs * prefetch * chunksize`` inputs and results.
        initializer, initargs: run once in each worker before its first task.
        send: maps an input to what is sent to the worker (run in this process), e.g.
            ``lambda item: (item.text, None)``; default: the input itself.
        with_input: yield ``(input, result)`` pairs (the inputs of the chunks in flight
            are kept here, not sent back and forth).
        start_method: ``fork``, ``forkserver`` or ``spawn``; default: see :func:`_context`.

    An exception raised by ``fn`` is raised here, when its item's turn comes; the
    remaining tasks are cancelled and the workers stopped. Closing the generator early
    (``break``, an interrupted consumer) also stops the workers.
    """
    if chunksize < 1:
        raise ValueError("chunksize must be at least 1")
    if prefetch < 1:
        raise ValueError("prefetch must be at least 1")
    jobs = resolve_jobs(n_jobs)
    if jobs == 1:
        yield from _imap_serial(fn, iterable, initializer, initargs, send, with_input)
        return

    it = iter(iterable)
    window = jobs * prefetch
    pending: deque[tuple[Future, list | None]] = deque()
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_context(start_method),
        initializer=_pool_init,
        initargs=(initializer, initargs),
    )
    try:

        def submit() -> bool:
            chunk = list(islice(it, chunksize))
            if not chunk:
                return False
            sent = [send(x) for x in chunk] if send is not None else chunk
            pending.append((pool.submit(_run_chunk, fn, sent), chunk if with_input else None))
            return True

        more = True
        while more and len(pending) < window:
            more = submit()
        while pending:
            fut, chunk = pending.popleft()
            results = fut.result()
            if more:  # refill before yielding: the workers stay busy while we are consumed
                more = submit()
            if with_input:
                yield from zip(chunk, results)  # type: ignore[arg-type]
            else:
                yield from results
    finally:
        for fut, _ in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _imap_serial(fn, iterable, initializer, initargs, send, with_input) -> Iterator[Any]:
    if initializer is not None:
        initializer(*initargs)
    for x in iterable:
        r = fn(send(x) if send is not None else x)
        yield (x, r) if with_input else r


# -- credibly's workers -----------------------------------------------------------


def model_document(model: TrustModel) -> str:
    """The model as the JSON text of a model file (format, version, checksum, payload)."""
    return json.dumps(model.document(), sort_keys=True)


def init_worker(model_json: str | None = None, features: bool = True) -> None:
    """Worker initializer: rebuild the model from its JSON document (``None``: the
    shipped model) and remember whether rows carry every feature."""
    global _MODEL, _FEATURES
    if model_json is None:
        from .model import default_model

        _MODEL = default_model()
    else:
        _MODEL = TrustModel.from_document(json.loads(model_json), "<model sent to worker>")
    _FEATURES = features
    if multiprocessing.parent_process() is not None:
        # a worker: what it holds now (inherited from a forked parent: lexicons, language
        # model, word lists) lives as long as it does; keep the cyclic GC from walking
        # (and copy-on-write duplicating) it on every full collection
        import gc

        gc.freeze()


def _model() -> TrustModel:
    if _MODEL is None:  # a worker started without init_worker: the shipped model
        init_worker(None)
    assert _MODEL is not None
    return _MODEL


def _unpack(item: Any) -> tuple[Any, Any, str | None]:
    if isinstance(item, tuple):
        if len(item) == 3:
            return item[0], item[1], item[2]
        if len(item) == 2:
            return item[0], item[1], None
    return item, None, None


def _missing(x: Any) -> bool:
    """None, a float NaN or pandas' NA (Arrow-backed string columns)."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ == "NAType"


def score_one(item: Any) -> Any:
    """Worker function: ``text``, ``(text, language)`` or ``(text, language, error)`` ->
    :class:`credibly.Result`.

    Never raises for a bad input: it gives a Result with ``error`` set (as
    ``score_many(errors="keep")``). ``error`` not ``None`` (an input that could not be
    read) gives that failure without scoring. The Result's ``text`` is left out (the
    caller has it; see :func:`score_results`), so it is not sent back.
    """
    from .api import _error_text, failed, score
    from .errors import CrediblyError

    text, lang, error = _unpack(item)
    if error is not None:
        return failed(error)
    if _missing(text):
        return failed("missing: no text in this row")
    lang = lang if isinstance(lang, str) and lang else None
    try:
        r = score(text, lang, model=_model())
    except (CrediblyError, TypeError, ValueError) as exc:
        return failed(_error_text(exc))
    import dataclasses

    return dataclasses.replace(r, text=None)


def score_row(item: Any) -> dict[str, Any]:
    """Worker function: ``(text, language)`` -> the flat row of :func:`credibly.score_frame`."""
    from .api import _score_row

    text, lang, _ = _unpack(item)
    return _score_row(text, lang, _model(), _FEATURES)


def score_results(
    texts: Iterable[Any],
    language: str | None = None,
    *,
    model: TrustModel | None = None,
    n_jobs: int | None = 2,
    chunksize: int = DEFAULT_CHUNKSIZE,
    prefetch: int = DEFAULT_PREFETCH,
) -> Iterator[Any]:
    """Score a stream of texts in ``n_jobs`` processes: Results in input order, with
    their ``text`` set, bounded memory. Unscorable inputs give a Result with ``error``."""
    import dataclasses

    model_json = None if model is None else model_document(model)
    pairs = imap_ordered(
        score_one,
        texts,
        n_jobs,
        chunksize,
        prefetch=prefetch,
        initializer=init_worker,
        initargs=(model_json, True),
        send=lambda t: (t, language),
        with_input=True,
    )
    for text, r in pairs:
        yield dataclasses.replace(r, text=text) if r.ok and isinstance(text, str) else r


def score_rows_parallel(
    texts: list, langs: list, *, model: TrustModel, features: bool, n_jobs: int, chunksize: int | None = None
) -> list[dict]:
    """Rows of :func:`credibly.score_frame` computed in ``n_jobs`` processes, in input order."""
    jobs = resolve_jobs(n_jobs)
    if chunksize is None:
        # small enough that the last chunks leave no worker idle for long (a chunk of 16
        # typical documents is ~0.1 s), large enough to amortise IPC (~1 ms a chunk)
        chunksize = max(1, min(16, len(texts) // (jobs * 8)))
    return list(
        imap_ordered(
            score_row,
            zip(texts, langs),
            jobs,
            chunksize,
            initializer=init_worker,
            initargs=(model_document(model), features),
        )
    )
