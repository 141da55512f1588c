"""Ray engine: the local engine's work units on Ray Data, for runs past one machine.

The same :func:`pipeline.engine.units.run_unit` runs inside ``map_batches`` (one unit per
batch; each Ray worker process prepares jieba/OpenCC once and keeps them). Results come back
in input order (``preserve_order``), and dedup and emit stay in the driver exactly as with the
local engine, so both engines write the same bytes. Without ``RAY_ADDRESS`` a local Ray
instance with ``-j`` CPUs is started (and stopped); with it, the run joins that cluster, which
must see the input paths (a shared filesystem) and gets this package shipped as a py_module.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import Any

import msgspec

from pipeline.engine import tune_gc
from pipeline.engine.units import (
    Result,
    StreamedFile,
    Unit,
    decode_unit,
    group,
    plan,
    run_unit,
    split_bytes,
    unit_bytes,
)
from pipeline.engine.work import expect_input, input_kinds, prepared
from pipeline.errors import ZhnewsError
from pipeline.io import InputFile

MAX_BLOCKS = 2000


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ZhnewsError("the Ray engine needs Ray: pip install 'zhnews[ray]'") from None
    return ray


def connect(workers: int) -> bool:
    """Join RAY_ADDRESS's cluster or start a local instance; True if we started Ray."""
    ray = _import_ray()
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                             "logging_level": logging.ERROR, "configure_logging": True}
    address = os.environ.get("RAY_ADDRESS")
    if address:
        import pipeline

        runtime = {"py_modules": [str(Path(pipeline.__file__).parent)]}
        ray.init(address=address, runtime_env=runtime, **{k: v for k, v in quiet.items()
                                                         if k != "include_dashboard"})
    else:
        ray.init(num_cpus=max(1, workers), object_store_memory=256 << 20, **quiet)
    return True


_unit_encoder = msgspec.msgpack.Encoder()
_unit_decoder = msgspec.msgpack.Decoder(Unit)


def _row(unit: Unit, i: int, ray: Any) -> dict[str, Any]:
    """A unit as a row of the dataset: the whole Unit as msgpack, so that every field (its
    kind, its notes, its input's error) reaches the worker as the local engine sends it. A
    part the driver read (of a gzipped JSONL file, or a WARC gzipped as one member) puts its
    bytes in Ray's object store, which spills them to disk past its memory; the row holds
    their reference, so neither the driver nor the dataset holds the parts."""
    data = None if unit.data is None else ray.put(unit.data)
    bare = replace(unit, data=None)
    return {"i": i, "unit": _unit_encoder.encode(bare), "data": data}


def _unit(row: dict[str, Any]) -> Unit:
    unit = _unit_decoder.decode(bytes(row["unit"]))
    import ray

    data = row.get("data")
    if isinstance(data, ray.ObjectRef):  # a row without one may hold None or NaN there
        unit = replace(unit, data=ray.get(data))
    return unit


_EXPECTED: set[tuple[str, tuple[str, ...]]] = set()  # (config, stages) this process prepared


def _process_batch(batch: dict[str, Any], cfg: Any, names: tuple[str, ...],
                   kinds: list[tuple[str, int]]) -> dict[str, Any]:
    import numpy as np

    tune_gc()  # a Ray worker process runs the stages like a local worker
    if (cfg.hash, names) not in _EXPECTED:  # what a local worker gets before its fork
        expect_input(prepared(cfg, names), kinds)
        _EXPECTED.add((cfg.hash, names))
    keys = list(batch)
    columns = [batch[k] for k in keys]
    rows = [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]
    payloads = [run_unit(_unit(row), cfg, names) for row in rows]
    return {"i": np.asarray(batch["i"]), "payload": np.array(payloads, dtype=object)}


def results(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
            workers: int) -> Iterator[Any]:
    """FileResults in input order, like ``local.results``."""
    for streamed in stream(inputs, cfg, names, workers):
        yield streamed.collect()


def stream(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
           workers: int, blanks: Any = None) -> Iterator[StreamedFile]:
    """One StreamedFile per input in input order, like ``local.stream``. ``blanks`` is not
    used: Ray's workers may run on machines that do not see the output folder."""
    planned = plan(inputs, split_bytes(cfg))
    first = next(planned, None)
    if first is None:
        return
    ray = _import_ray()
    started = connect(workers)  # before the rest is planned: parts go to the object store
    try:
        rows: list[dict[str, Any]] = []
        units: list[Unit] = []  # without their bytes: what the driver keeps
        for i, unit in enumerate(chain([first], planned)):
            rows.append(_row(unit, i, ray))
            units.append(replace(unit, data=None))
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        ds = ray.data.from_items(rows, override_num_blocks=min(len(units), MAX_BLOCKS))
        kinds = input_kinds((unit.inp.path, unit_bytes(unit)) for unit in units)
        ds = ds.map_batches(_process_batch, batch_size=1, batch_format="numpy",
                            fn_kwargs={"cfg": cfg, "names": names, "kinds": kinds})

        def payloads() -> Iterator[Result]:
            for expected, row in enumerate(ds.iter_rows()):
                if int(row["i"]) != expected:  # pragma: no cover - preserve_order guards it
                    raise ZhnewsError("Ray returned units out of order")
                yield (units[expected], *decode_unit(bytes(row["payload"])))

        yield from group(payloads())
    finally:
        if started:
            ray.shutdown()
