"""The Python package against the CLI (run by tests/test_python.cpp):
    PYTHONPATH=build/python python3 tests/python/check_simulate.py DUET_BINARY SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
import warnings

import duet

DUET = sys.argv[1] if len(sys.argv) > 1 else "build/cli/duet"
SOURCE = sys.argv[2] if len(sys.argv) > 2 else "."
TINY_CNN = os.path.join(SOURCE, "tests/data/onnx/tiny_cnn.onnx")
TINY_ENCODER = os.path.join(SOURCE, "tests/data/onnx/tiny_encoder.onnx")
MOBILE = os.path.join(SOURCE, "configs/accel/mobile.json")


def deterministic(report_text):
    """The report without its one run-dependent line, the simulator's wall time."""
    return "".join(line for line in report_text.splitlines(keepends=True)
                   if '"simulation_wall_time_s"' not in line)


def without_wall_time(summary):
    return {k: v for k, v in summary.items() if k != "simulation_wall_time_s"}


def cli(*args):
    return subprocess.run([DUET, *args], capture_output=True, text=True)


def cli_report(*args):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        run = cli("sim", *args, "--out", out)
        assert run.returncode == 0, run.stderr
        with open(out) as f:
            return f.read()


class SimulateEqualsTheCli(unittest.TestCase):
    def test_reports_are_byte_identical(self):
        cases = [
            ({"arch": "mobile", "workload": "resnet18"}, ["--arch", "mobile", "--workload", "resnet18"]),
            ({"arch": "cloud", "workload": "bert-base", "seq_len": 64, "nonlinear": "nnlut"},
             ["--arch", "cloud", "--workload", "bert-base", "--seq-len", "64", "--nonlinear", "nnlut"]),
            ({"arch": MOBILE, "workload": TINY_CNN, "batch": 1},
             ["--arch", MOBILE, "--workload", TINY_CNN]),
            ({"workload": TINY_ENCODER, "nonlinear": "ibert", "ideal_memory": True},
             ["--workload", TINY_ENCODER, "--nonlinear", "ibert", "--ideal-memory"]),
        ]
        for kwargs, args in cases:
            with self.subTest(args=args):
                python, command_line = duet.simulate(**kwargs).json, cli_report(*args)
                self.assertIn('"simulation_wall_time_s"', python)
                self.assertEqual(deterministic(python), deterministic(command_line))

    def test_dicts_simulate_as_the_files_they_came_from(self):
        config = duet.load_config("mobile")
        self.assertEqual(duet.load_config(config), config)  # dict in, dict out, a fixed point
        workload = duet.load_workload(TINY_CNN)
        by_file = duet.simulate(arch="mobile", workload=TINY_CNN)
        by_dict = duet.simulate(arch=config, workload=workload)
        self.assertEqual(without_wall_time(by_dict.summary), without_wall_time(by_file.summary))
        # A changed dict changes the result: the dict is really used.
        config["pe_array"]["rows"] = 8
        self.assertGreater(duet.simulate(arch=config, workload=workload).summary["cycles"],
                           by_file.summary["cycles"])

    def test_many_simulations_in_one_process_repeat_exactly(self):
        first = deterministic(duet.simulate(workload="resnet18").json)
        for arch in ["edge", "cloud", "mobile", "tpu-v1-like"] * 3:
            duet.simulate(arch=arch, workload="mobilenet_v2")
        self.assertEqual(deterministic(duet.simulate(workload="resnet18").json), first)

    def test_simulate_many_equals_one_by_one(self):
        requests = [{"arch": a, "workload": w} for a in ("edge", "mobile", "cloud")
                    for w in ("resnet18", TINY_CNN)]
        parallel = duet.simulate_many(requests, workers=2)
        self.assertEqual([deterministic(r.json) for r in parallel],
                         [deterministic(duet.simulate(**r).json) for r in requests])

    def test_layers_are_a_dataframe(self):
        r = duet.simulate(workload="resnet18")
        self.assertEqual(len(r.layers), len(r.report["layers"]))
        self.assertEqual(int(r.layers["cycles"].sum()) >= 0, True)
        self.assertIn("latency_s", r.summary)


class ErrorsAreExceptionsWithTheCliMessage(unittest.TestCase):
    def cli_message(self, *args):
        run = cli("sim", *args)
        self.assertEqual(run.returncode, 2, run.stderr)
        return run.stderr.strip().split(": error: ", 1)[1]

    def test_same_message_as_the_cli(self):
        cases = [
            ({"workload": "nosuch"}, ["--workload", "nosuch"]),
            ({"workload": "resnet18", "nonlinear": "lut"}, ["--workload", "resnet18", "--nonlinear", "lut"]),
            ({"workload": "resnet18", "fidelity": "exact"},
             ["--workload", "resnet18", "--fidelity", "exact"]),
            ({"arch": "/no/such.json", "workload": "resnet18"},
             ["--arch", "/no/such.json", "--workload", "resnet18"]),
            ({"workload": "bert-base", "seq_len": 0}, ["--workload", "bert-base", "--seq-len", "0"]),
            ({"workload": TINY_CNN, "input_shapes": {"nope": (1, 2)}},
             ["--workload", TINY_CNN, "--input-shape", "nope=1x2"]),
        ]
        for kwargs, args in cases:
            with self.subTest(args=args):
                with self.assertRaises(duet.InputError) as caught:
                    duet.simulate(**kwargs)
                self.assertEqual(str(caught.exception), self.cli_message(*args))

    def test_hostile_values_raise_input_error(self):
        config = duet.load_config("mobile")
        bad = [
            {"workload": 3},
            {"workload": "resnet18", "batch": "2"},
            {"workload": "resnet18", "batch": 2**70},
            {"arch": dict(config, clock_ghz=float("nan")), "workload": "resnet18"},
            {"arch": dict(config, clock_ghz=1e999), "workload": "resnet18"},
            {"arch": {}, "workload": "resnet18"},
            {"workload": {"inputs": {"x": [1, 2**63]}, "layers": [{"name": "r", "op": "relu"}]}},
            {"workload": {"inputs": {"x": [1, 4]}, "layers": []}},
            {"workload": "resnet18", "unsupported": "skip"},
            {"workload": "resnet18", "input_shapes": [1, 2]},
            {"workload": TINY_CNN, "input_shapes": {"input": (1.9, 3.2, 16, 16)}},
            {"workload": TINY_CNN, "input_shapes": {"input": (1, float("nan"), 16, 16)}},
            {"workload": TINY_CNN, "input_shapes": {"input": {"a": 1}}},
            {"workload": "resnet18", "ideal_memory": "no"},
            {"workload": "resnet18", "trace": 1},
            {"workload": "resnet18", "nonlinear": 0},
            {"workload": "resnet18", "luts": False},
            {"arch": MOBILE + "\0junk", "workload": "resnet18"},
            {"workload": TINY_CNN + "\0.json"},
            {"workload": TINY_CNN, "input_shapes": {"input": (1, 3, 16)}},  # rank 3 for rank 4
        ]
        deep = {}
        for _ in range(100000):
            deep = {"a": deep}
        bad.append({"arch": deep, "workload": "resnet18"})
        for i, kwargs in enumerate(bad):
            with self.subTest(case=i):
                with self.assertRaises(duet.InputError):
                    duet.simulate(**kwargs)
        for workers in (0, -1, 1.5, "2"):
            with self.subTest(workers=workers):
                with self.assertRaises(duet.InputError):
                    duet.simulate_many([{"workload": "resnet18"}] * 2, workers=workers)
        self.assertEqual(duet.simulate(workload="resnet18", batch=__import__("numpy").int64(1)).summary["cycles"],
                         duet.simulate(workload="resnet18").summary["cycles"])
        self.assertTrue(issubclass(duet.InputError, ValueError))

    def test_names_too_long_are_input_errors(self):
        # #21: a filesystem error used to escape as RuntimeError.
        for kwargs in ({"arch": "m" * 1000000, "workload": "resnet18"},
                       {"workload": "w" * 300},
                       {"workload": "resnet18", "tech": "/tmp/" + "t" * 5000}):
            with self.subTest(kwargs=list(kwargs)):
                with self.assertRaises(duet.InputError):
                    duet.simulate(**kwargs)

    def test_probe_findings_raise_input_error(self):
        # #21: save() goes through the C++ writer; wrong types are InputError, not TypeError.
        result = duet.simulate(workload="resnet18")
        with tempfile.TemporaryDirectory() as d:
            targets = [d, os.path.join(d, "missing", "x.json")]
            if os.path.exists("/dev/full"):
                targets.append("/dev/full")
            for target in targets:
                with self.subTest(target=target):
                    with self.assertRaises(duet.InputError):
                        result.save(target)
            self.assertEqual(os.listdir(d), [])  # no temporary left behind
            result.save(os.path.join(d, "r.json"))
            with open(os.path.join(d, "r.json")) as f:
                self.assertEqual(f.read(), result.json)
        for call in (lambda: duet.simulate_many(None), lambda: duet.simulate_many(5),
                     lambda: duet.Evaluator.load(5), lambda: duet.explore("a\0b", "out"),
                     lambda: duet.explore("s.json", 5)):
            with self.assertRaises(duet.InputError):
                call()

    def test_simulate_many_streams_and_stops_at_the_first_bad_request(self):
        # #21: a generator is read as workers free up, and a bad first request ends the run.
        for workers in (1, 2):
            drawn = []

            def requests():
                yield {"workload": "no-such-network"}
                for i in range(10**6):
                    drawn.append(i)
                    yield {"workload": "resnet18"}

            with self.subTest(workers=workers):
                with self.assertRaises(duet.InputError):
                    duet.simulate_many(requests(), workers=workers)
                self.assertLessEqual(len(drawn), 2 * workers + 1)

    def test_unsupported_ops_warn_as_memory(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "u.json")
            with open(path, "w") as f:
                json.dump({"inputs": {"x": [1, 8]}, "layers": [{"name": "r", "op": "relu"}]}, f)
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                r = duet.simulate(workload=path, unsupported="as-memory")
            self.assertEqual(r.warnings, [])  # nothing unsupported in a JSON workload


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
