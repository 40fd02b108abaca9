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
import concurrent.futures
import json
import multiprocessing
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
        except (TypeError, ValueError) as e:  # NaN, infinities, objects JSON cannot hold
            raise InputError(f"{what}: {e}") from None
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value), None
    raise InputError(f"{what}: expected a name, a path or a dict, got {type(value).__name__}")


def _shapes(input_shapes):
    """{"input": (1, 3, 224, 224)} -> ["input=1x3x224x224"], as --input-shape takes them."""
    if not input_shapes:
        return []
    if not isinstance(input_shapes, dict):
        raise InputError("input_shapes: expected a dict of name -> shape")
    out = []
    for name, shape in input_shapes.items():
        if isinstance(shape, str):
            out.append(f"{name}={shape}")
        else:
            out.append(f"{name}=" + "x".join(str(int(d)) for d in shape))
    return out


def _int(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what}: expected an integer, got {value!r}")
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
        """Writes the report as `duet sim --out` does (atomically: a temporary file, renamed)."""
        path = os.fspath(path)
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(self.json)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

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
                         unsupported, nonlinear or "", os.fspath(luts) if luts else "",
                         bool(ideal_memory), fidelity, os.fspath(tech) if tech else "",
                         bool(trace))
    for message in out["warnings"]:
        warnings.warn(message, stacklevel=2)
    return Result(out["report"], out["layers_csv"], out["trace"], out["warnings"])


def _simulate_kwargs(kwargs):
    return simulate(**kwargs)


def simulate_many(requests, workers=None, progress=False):
    """Runs many simulate() calls, each a dict of its keyword arguments, in worker processes
    (SystemC runs one simulation at a time per process). Results come back in request order;
    the first failing request's exception is raised. workers=1 runs them here, in order."""
    requests = [dict(r) for r in requests]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(requests) <= 1:
        results = []
        for i, r in enumerate(requests):
            results.append(simulate(**r))
            _report_progress(progress, i + 1, len(requests))
        return results
    # spawn, not fork: a forked child would inherit this process's SystemC kernel mid-state.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_simulate_kwargs, r) for r in requests]
        done = 0
        for _ in concurrent.futures.as_completed(futures):
            done += 1
            _report_progress(progress, done, len(requests))
        return [f.result() for f in futures]


def _report_progress(progress, done, total):
    if progress:
        print(f"\rsimulated {done}/{total}", end="\n" if done == total else "", file=sys.stderr,
              flush=True)


def load_config(arch, *, nonlinear=None, luts=None):
    """The accelerator config as the simulator reads it (validated, every field filled)."""
    text, config_json = _spec(arch, "arch")
    return json.loads(_duet.load_config(text, config_json, nonlinear or "",
                                        os.fspath(luts) if luts else ""))


def load_workload(workload, *, batch=1, seq_len=128, input_shapes=None, unsupported="error"):
    """The workload in Duet's JSON format (docs/workload-format.md), from any source."""
    text, workload_json = _spec(workload, "workload")
    out = _duet.load_workload(text, workload_json, _int(batch, "batch"),
                              _int(seq_len, "seq_len"), _shapes(input_shapes), unsupported)
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
        return cls(_duet_torch.Evaluator.load(os.fspath(directory)))

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
        return self._impl.predict(numpy.ascontiguousarray(array, dtype=numpy.int64))


def explore(study, out, *, jobs=1, resume=False, extra_args=()):
    """Runs `duet explore --study STUDY --out OUT` (a long job, in its own process: it trains
    networks with libtorch) and returns its summary.json as a dict."""
    from ._build import DUET_BINARY
    args = [DUET_BINARY, "explore", "--study", os.fspath(study), "--out", os.fspath(out),
            "--jobs", str(_int(jobs, "jobs"))]
    if resume:
        args.append("--resume")
    args += [str(a) for a in extra_args]
    run = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        message = lines[-1] if lines else f"duet explore exited with {run.returncode}"
        raise (InputError if run.returncode == 2 else RuntimeError)(message)
    with open(os.path.join(os.fspath(out), "summary.json")) as f:
        return json.load(f)
