"""Duet from Python: the simulator, the cost evaluator and co-exploration studies.

    import duet
    r = duet.simulate(arch="mobile", workload="model.onnx", nonlinear="nnlut")
    r.summary["latency_s"]; r.layers          # a pandas DataFrame when pandas is present
    duet.load_config("configs/accel/mobile.json")                      # dict in, dict out
    rs = duet.simulate_many([{"workload": "resnet18", "arch": a} for a in configs], workers=2)
    ev = duet.Evaluator.load("runs/cache/cnn-fmnist-eval"); ev.predict(choices)

`arch` and `workload` take what `duet sim --arch/--workload` take (a shipped name, a zoo name,
a path) or a dict in the JSON format of docs/config-format.md / docs/workload-format.md. The
simulation, its validation and its report are those of `duet sim`: `Result.json` is the text
`duet sim --out` writes. Bad input raises duet.InputError (a ValueError) with the CLI's message.
"""
import collections
import concurrent.futures
import json
import multiprocessing
import numbers
import os
import subprocess
import sys
import warnings

from . import _duet
from ._duet import InputError

__all__ = ["InputError", "Result", "simulate", "simulate_many", "load_config", "load_workload",
           "Evaluator", "explore", "configs_dir", "COST_COLUMNS"]

# The evaluator's outputs and the dataset's targets, in order.
COST_COLUMNS = ("latency_s", "energy_j", "area_mm2", "avg_power_w")


def _spec(value, what):
    """A name or path (str, os.PathLike) -> (text, None); a dict -> ("", its JSON)."""
    if isinstance(value, dict):
        try:
            return "", json.dumps(value, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as e:  # NaN, infinities, deep nesting
            raise InputError(f"{what}: {e}") from None
    if isinstance(value, (str, os.PathLike)):
        return _text(os.fspath(value), what), None
    raise InputError(f"{what}: expected a name, a path or a dict, got {type(value).__name__}")


def _text(value, what):
    """A string for the C++ side, which would stop at an embedded NUL."""
    if not isinstance(value, str):
        raise InputError(f"{what}: expected a string, got {type(value).__name__}")
    if "\0" in value:
        raise InputError(f"{what}: embedded null character in {value!r}")
    return value


def _path(value, what):
    """A path (str or os.PathLike) as a string for the C++ side or a command line."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{what}: expected a path, got {type(value).__name__}")
    return _text(os.fspath(value), what)


def _optional_text(value, what):
    """None (the default) or a non-empty string/path; "" is refused, as on the command line."""
    if value is None:
        return ""
    text = _text(os.fspath(value) if isinstance(value, os.PathLike) else value, what)
    if not text:
        raise InputError(f"{what}: expected a value, got an empty string (None means the default)")
    return text


def _bool(value, what):
    if not isinstance(value, bool):
        raise InputError(f"{what}: expected True or False, got {value!r}")
    return value


def _shapes(input_shapes):
    """{"input": (1, 3, 224, 224)} -> ["input=1x3x224x224"], as --input-shape takes them."""
    if not input_shapes:
        return []
    if not isinstance(input_shapes, dict):
        raise InputError("input_shapes: expected a dict of name -> shape")
    out = []
    for name, shape in input_shapes.items():
        _text(name, "input_shapes")
        if isinstance(shape, str):
            out.append(f"{name}={_text(shape, 'input_shapes')}")
            continue
        try:
            dims = [_int(d, f"input_shapes[{name!r}]") for d in shape]
        except TypeError:
            raise InputError(f"input_shapes[{name!r}]: expected a sequence of integers, "
                             f"got {shape!r}") from None
        out.append(f"{name}=" + "x".join(str(d) for d in dims))
    return out


def _int(value, what):
    """An integer (numpy's too) in int64's range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"{what}: expected an integer, got {value!r}")
    value = int(value)
    if not -2**63 <= value < 2**63:
        raise InputError(f"{what}: {value} is out of range (at most 2^63 - 1)")
    return value


class Result:
    """One simulation's report. `json` is byte for byte what `duet sim --out` writes."""

    def __init__(self, report_json, layers_csv, trace=None, warnings_=()):
        self.json = report_json
        self.layers_csv = layers_csv
        self.trace = trace
        self.warnings = list(warnings_)
        self.report = json.loads(report_json)

    @property
    def summary(self):
        return self.report["summary"]

    @property
    def layers(self):
        """Per-layer statistics: a pandas DataFrame when pandas is installed, else dicts."""
        try:
            import pandas
        except ImportError:
            return self.report["layers"]
        return pandas.DataFrame(self.report["layers"])

    def save(self, path):
        """Writes the report as `duet sim --out` does, through the same C++ writer: atomically
        (a temporary file, renamed), a device in place, every write checked."""
        _duet.write_file(_path(path, "path"), self.json)

    def __repr__(self):
        s = self.summary
        return (f"<duet.Result {self.report['workload']} on {self.report['accelerator']}: "
                f"{s.get('latency_s')} s, {s.get('energy_j')} J>")

    def __reduce__(self):  # results cross process boundaries in simulate_many
        return (Result, (self.json, self.layers_csv, self.trace, self.warnings))


def simulate(arch="mobile", workload=None, *, nonlinear=None, luts=None, batch=1, seq_len=128,
             input_shapes=None, unsupported="error", ideal_memory=False, fidelity="fast",
             tech=None, trace=False):
    """Simulates `workload` on `arch`, as `duet sim` does (see `duet sim --help`)."""
    if workload is None:
        raise InputError("workload: give a zoo name, a file or a workload dict")
    arch_text, arch_json = _spec(arch, "arch")
    workload_text, workload_json = _spec(workload, "workload")
    out = _duet.simulate(arch_text, arch_json, workload_text, workload_json,
                         _int(batch, "batch"), _int(seq_len, "seq_len"), _shapes(input_shapes),
                         _text(unsupported, "unsupported"), _optional_text(nonlinear, "nonlinear"),
                         _optional_text(luts, "luts"), _bool(ideal_memory, "ideal_memory"),
                         _text(fidelity, "fidelity"), _optional_text(tech, "tech"),
                         _bool(trace, "trace"))
    for message in out["warnings"]:
        warnings.warn(message, stacklevel=2)
    return Result(out["report"], out["layers_csv"], out["trace"], out["warnings"])


def _simulate_kwargs(kwargs):
    # The caller re-issues the warnings (Result.warnings) under its own filters.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return simulate(**kwargs)


def _request(r, i):
    try:
        return dict(r)
    except (TypeError, ValueError):
        raise InputError(f"requests[{i}]: expected a dict of simulate() arguments, "
                         f"got {type(r).__name__}") from None


def simulate_many(requests, workers=None, progress=False):
    """Runs many simulate() calls, each a dict of its keyword arguments, in worker processes
    (SystemC runs one simulation at a time per process). Results come back in request order.
    `requests` may be any iterable, a generator too: it is read as workers free up, never all at
    once. When a request fails, no further request is read, the ones running finish, and the
    exception of the earliest failed request is raised. workers=1 (or a single request) runs
    them here, in order."""
    if workers is None:
        workers = os.cpu_count() or 1
    elif _int(workers, "workers") < 1:
        raise InputError(f"workers: expected at least 1, got {workers}")
    total = len(requests) if hasattr(requests, "__len__") else None
    try:
        requests = iter(requests)
    except TypeError:
        raise InputError("requests: expected an iterable of dicts of simulate() arguments, "
                         f"got {type(requests).__name__}") from None
    if workers == 1 or (total is not None and total <= 1):
        results = []
        for i, r in enumerate(requests):
            results.append(simulate(**_request(r, i)))
            _report_progress(progress, i + 1, total)
        _end_progress(progress, total)
        return results
    results, failures = {}, {}
    # spawn, not fork: a forked child would inherit this process's SystemC kernel mid-state.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        running = {}
        numbered = enumerate(requests)

        def submit_next():
            i, r = next(numbered, (None, None))
            if i is not None:
                running[pool.submit(_simulate_kwargs, _request(r, i))] = i
            return i is not None

        # Two requests per worker: one running, one waiting, so no worker idles.
        while len(running) < 2 * workers and submit_next():
            pass
        while running:
            done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                i = running.pop(future)
                try:
                    results[i] = future.result()
                except BaseException as e:  # noqa: BLE001 - re-raised below, in request order
                    failures[i] = e
                _report_progress(progress, len(results) + len(failures), total)
            if not failures:
                while len(running) < 2 * workers and submit_next():
                    pass
    _end_progress(progress, total)
    if failures:
        raise failures[min(failures)]
    ordered = [results[i] for i in range(len(results))]
    for r in ordered:
        for message in r.warnings:
            warnings.warn(message, stacklevel=2)
    return ordered


def _report_progress(progress, done, total):
    if progress:
        print(f"\rsimulated {done}" + (f"/{total}" if total is not None else ""), end="",
              file=sys.stderr, flush=True)


def _end_progress(progress, total):
    if progress:
        print(file=sys.stderr, flush=True)


def load_config(arch, *, nonlinear=None, luts=None):
    """The accelerator config as the simulator reads it (validated, every field filled)."""
    text, config_json = _spec(arch, "arch")
    return json.loads(_duet.load_config(text, config_json, _optional_text(nonlinear, "nonlinear"),
                                        _optional_text(luts, "luts")))


def load_workload(workload, *, batch=1, seq_len=128, input_shapes=None, unsupported="error"):
    """The workload in Duet's JSON format (docs/workload-format.md), from any source."""
    text, workload_json = _spec(workload, "workload")
    out = _duet.load_workload(text, workload_json, _int(batch, "batch"),
                              _int(seq_len, "seq_len"), _shapes(input_shapes),
                              _text(unsupported, "unsupported"))
    for message in out["warnings"]:
        warnings.warn(message, stacklevel=2)
    return json.loads(out["workload"])


def configs_dir():
    """The shipped configs/ directory (DUET_HOME/configs when DUET_HOME is set)."""
    return _duet.configs_dir()


class Evaluator:
    """A trained cost evaluator (`duet evaluator train`). Loading it loads libtorch."""

    def __init__(self, impl):
        self._impl = impl

    @classmethod
    def load(cls, directory):
        try:
            from . import _duet_torch
        except ImportError as e:
            raise InputError("duet.Evaluator: this build has no libtorch "
                             "(configured with -DDUET_WITH_TORCH=OFF)") from e
        return cls(_duet_torch.Evaluator.load(_path(directory, "directory")))

    @property
    def dimensions(self):
        """[(column, choices)]: the hardware dimensions, then the blocks, in column order."""
        return [(column, json.loads(choices)) for column, choices in self._impl.dimensions()]

    def predict(self, choices):
        """choices: an (n, len(dimensions)) array of choice indices (a dataset's columns).
        Returns an (n, 4) float64 array: COST_COLUMNS."""
        import numpy
        array = numpy.asarray(choices)
        if array.ndim == 1:
            array = array[numpy.newaxis, :]
        if array.size and not numpy.issubdtype(array.dtype, numpy.integer):
            raise InputError("choices: expected integer choice indices, got " + str(array.dtype))
        from . import _duet_torch
        if array.ndim == 2 and array.shape[0] > _duet_torch.MAX_PREDICT_ROWS:
            # Before the int64 copy below, which alone could exhaust memory.
            raise InputError(f"choices: {array.shape[0]} rows, above the limit of "
                             f"{_duet_torch.MAX_PREDICT_ROWS} per predict() call "
                             "(split the array)")
        return self._impl.predict(numpy.ascontiguousarray(array, dtype=numpy.int64))


def explore(study, out, *, jobs=1, resume=False, force=False, extra_args=()):
    """Runs `duet explore --study STUDY --out OUT` (a long job, in its own process: it trains
    networks with libtorch) and returns its summary.json as a dict. An `out` holding results
    needs resume=True (continue) or force=True (move them aside to OUT/replaced/<n>/)."""
    from ._build import DUET_BINARY
    args = [DUET_BINARY, "explore", "--study", _path(study, "study"), "--out", _path(out, "out"),
            "--jobs", str(_int(jobs, "jobs"))]
    if resume:
        args.append("--resume")
    if force:
        args.append("--force")
    args += [_text(str(a), "extra_args") for a in extra_args]
    run = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        message = lines[-1] if lines else f"duet explore exited with {run.returncode}"
        raise (InputError if run.returncode == 2 else RuntimeError)(message)
    with open(os.path.join(os.fspath(out), "summary.json")) as f:
        return json.load(f)
