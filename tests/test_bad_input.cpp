// Bad input exits with code 2 and a one-line message naming the file and the field, line or
// layer; it never crashes and never leaves a partial output file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "test_util.hpp"

namespace duet {
namespace {

using test::read_text;
using test::run_duet;
using test::TempDir;

struct Case {
  std::string args;
  std::vector<std::string> message_parts;
};

void expect_clean_failure(const TempDir& dir, const Case& c) {
  const std::string out = dir.path("report.json");
  auto r = run_duet("sim " + c.args + " --out " + out);
  EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
  for (const auto& part : c.message_parts) {
    EXPECT_NE(r.output.find(part), std::string::npos)
        << "missing \"" << part << "\" in: " << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(out)) << c.args;
  // One line, no crash output.
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

// A value quoted back in an error keeps the message on one line (#21 probe): a newline in
// --schedule, a carriage return or an escape character in a config value.
TEST(BadInput, QuotedValuesStayOnOneLine) {
  TempDir dir;
  auto r = run_duet("sim --workload resnet18 --schedule \"$(printf 'overlap\\nx')\"");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("overlap\\nx"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  Json accel = accelerator_config_to_json(test::shipped("mobile"));
  accel["pe_array"]["dataflow"] = "ws\r\x1b[2J";
  r = run_duet("sim --workload resnet18 --arch " + dir.file("a.json", accel.dump()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("ws\\r\\x1b[2J"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\r'), std::string::npos) << r.output;
}

TEST(BadInput, WorkloadErrors) {
  TempDir dir;
  const std::string malformed = dir.file("malformed.json",
                                         "{\n  \"inputs\": {\"x\": [1, 4]},\n  \"layers\": [\n    "
                                         "{\"name\": \"a\" \"op\": \"gemm\"}\n  ]\n}\n");
  const std::string unknown_op = dir.file("unknown_op.json", R"({"inputs": {"x": [1, 4]},
    "layers": [{"name": "a", "op": "convolution", "out_features": 4}]})");
  const std::string mismatch = dir.file("mismatch.json", R"({"inputs": {"x": [1, 4], "y": [1, 5]},
    "layers": [{"name": "sum", "op": "add", "inputs": ["x", "y"]}]})");
  const std::string zero_dim = dir.file("zero.json", R"({"inputs": {"x": [1, 0, 8, 8]},
    "layers": [{"name": "c", "op": "conv2d", "out_channels": 4, "kernel": 3}]})");
  const std::string negative = dir.file("negative.json", R"({"inputs": {"x": [1, 4]},
    "layers": [{"name": "g", "op": "gemm", "out_features": -3}]})");
  const std::string too_big = dir.file("too_big.json", R"({"inputs": {"x": [1, 32, 8, 8]},
    "layers": [{"name": "r", "op": "reshape", "shape": [1, 2048]},
               {"name": "wide", "op": "layernorm"}]})");
  const std::string tiny_arch = dir.file("tiny.json", R"({"name": "tiny", "clock_ghz": 1,
    "technology_nm": 28, "data_types": {"weight": "int8", "activation": "int8", "accumulator": "int32"},
    "pe_array": {"rows": 32, "cols": 32, "dataflow": "ws"},
    "global_buffer": {"size_kib": 1, "banks": 1, "bank_width_bytes": 8,
                      "partition": {"ifmap": 0.4, "filter": 0.4, "ofmap": 0.2}},
    "dram": {"bandwidth_gbps": 10, "latency_ns": 50}, "sfu": {"kind": "exact", "lanes": 4}})");
  const Case cases[] = {
      {"--workload " + dir.path("missing.json"), {"missing.json", "cannot open"}},
      {"--workload " + malformed, {"malformed.json:4:", "malformed JSON"}},
      {"--workload " + unknown_op, {"unknown_op.json", "\"a\"", "convolution", "conv2d"}},
      {"--workload " + mismatch, {"mismatch.json", "\"sum\"", "shape mismatch"}},
      {"--workload " + zero_dim, {"zero.json", "inputs.x", "must be positive"}},
      {"--workload " + negative, {"negative.json", "out_features", "out of range"}},
      {"--arch " + tiny_arch + " --workload " + too_big,
       {"\"wide\"", "2048", "bytes", "does not fit"}},
      {"--arch " + tiny_arch + " --workload resnet18", {"\"conv1\"", "needs", "bytes"}},
      {"--workload resnet-18", {"resnet-18", "resnet18", "bert-base", "vit-b16"}},
      {"--workload bert-base --seq-len 0", {"--seq-len"}},
  };
  for (const auto& c : cases) expect_clean_failure(dir, c);
}

TEST(BadInput, ConfigErrors) {
  TempDir dir;
  const std::string base = R"({"name": "x", "clock_ghz": 1, "technology_nm": 28,
    "data_types": {"weight": "int8", "activation": "int8", "accumulator": "int32"},
    "pe_array": {"rows": ROWS, "cols": 16, DATAFLOW},
    "global_buffer": {"size_kib": 256, "banks": 8, "bank_width_bytes": 16,
                      "partition": {"ifmap": 0.4, "filter": 0.4, "ofmap": 0.2}},
    "dram": {"bandwidth_gbps": 10, "latency_ns": 50}, "sfu": {"kind": "exact", "lanes": 4}})";
  auto variant = [&](const std::string& name, const std::string& rows, const std::string& df) {
    std::string text = base;
    text.replace(text.find("ROWS"), 4, rows);
    text.replace(text.find("DATAFLOW"), 8, df);
    return dir.file(name, text);
  };
  const Case cases[] = {
      {"--arch " + variant("typo.json", "16", "\"dataflw\": \"ws\""),
       {"typo.json: pe_array.dataflow", "dataflw", "did you mean \"dataflow\""}},
      {"--arch " + variant("missing.json", "16", "\"register_file_bytes\": 64"),
       {"missing.json: pe_array.dataflow", "missing"}},
      {"--arch " + variant("range.json", "0", "\"dataflow\": \"ws\""),
       {"range.json", "pe_array.rows", "out of range [1, 4096]"}},
      {"--arch " + variant("type.json", "\"16\"", "\"dataflow\": \"ws\""),
       {"type.json", "pe_array.rows", "expected integer", "string"}},
      {"--arch " + variant("enum.json", "16", "\"dataflow\": \"rs\""),
       {"enum.json", "pe_array.dataflow", "ws, os, is"}},
      {"--arch no-such-accelerator", {"no-such-accelerator", "mobile", "edge"}},
  };
  for (const auto& c : cases)
    expect_clean_failure(dir, {c.args + " --workload resnet18", c.message_parts});
}

// SCALE-Sim .cfg values that are not finite numbers, or not integers where the key counts
// something, are errors naming the line and key (ArrayWidth: nan used to die with SIGFPE,
// Bandwidth: nan to be accepted).
TEST(BadInput, ScaleSimCfgNumbersMustBeFiniteAndIntegersWhereCounted) {
  TempDir dir;
  const std::string cfg =
      "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 64\n"
      "FilterSramSzkB: 64\nOfmapSramSzkB: 64\nDataflow: ws\nBandwidth: 10\nMemoryBanks: 1\n";
  EXPECT_EQ(run_duet("sim --workload resnet18 --arch " + dir.file("ok.cfg", cfg)).exit_code, 0);
  const std::pair<std::string, std::string> edits[] = {
      {"ArrayWidth: 8", "ArrayWidth: nan"},     {"ArrayHeight: 8", "ArrayHeight: NAN"},
      {"Bandwidth: 10", "Bandwidth: nan"},      {"MemoryBanks: 1", "MemoryBanks: nan"},
      {"Bandwidth: 10", "Bandwidth: inf"},      {"ArrayWidth: 8", "ArrayWidth: 8.5"},
      {"MemoryBanks: 1", "MemoryBanks: 1e999"}, {"IfmapSramSzkB: 64", "IfmapSramSzkB: 6.4"},
  };
  for (const auto& [from, to] : edits) {
    std::string text = cfg;
    text.replace(text.find(from), from.size(), to);
    const std::string key = to.substr(0, to.find(':'));
    expect_clean_failure(
        dir, {"--workload resnet18 --arch " + dir.file("bad.cfg", text), {"bad.cfg:", key}});
  }
}

// Inputs that are not regular files (a device would be read forever) are refused at once.
TEST(BadInput, DevicesPipesAndDirectoriesAreNotRead) {
  TempDir dir;
  const std::string fifo = dir.path("fifo.json");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string zero_json = dir.path("zero.json");
  std::filesystem::create_symlink("/dev/zero", zero_json);
  for (const std::string& args :
       {std::string("--arch /dev/zero --workload resnet18"),
        "--arch " + zero_json + " --workload resnet18", "--workload " + zero_json,
        "--arch " + fifo + " --workload resnet18", "--workload resnet18 --tech " + zero_json,
        "--workload resnet18 --luts " + zero_json,
        "--arch " + dir.path("") + " --workload resnet18"}) {
    expect_clean_failure(dir, {args, {"not a regular file"}});
  }
}

// Every output is checked before the work: an empty path, a missing directory, a directory,
// an output that is an input (it would be destroyed) or another output; nothing is written.
TEST(BadInput, OutputPathsAreCheckedBeforeAnyWork) {
  TempDir dir;
  const std::string arch =
      dir.file("arch.json", read_text(test::source_path("configs/accel/mobile.json")));
  const std::string space = dir.file("space.json", read_text(test::tiny_explore_space()));
  const std::pair<std::string, std::string> cases[] = {
      {"sim --workload resnet18 --out \"\"", "--out: empty path"},
      {"sim --workload resnet18 --out " + dir.path("missing/r.json"), "does not exist"},
      {"sim --workload resnet18 --out " + dir.path(""), "is a directory"},
      {"sim --workload resnet18 --arch " + arch + " --out " + arch, "is also an input"},
      {"sim --workload resnet18 --out " + dir.path("o.json") + " --trace " +
           dir.path("missing/t.json"),
       "--trace"},
      {"sim --workload resnet18 --out " + dir.path("o.json") + " --layers-csv " +
           dir.path("o.json"),
       "is also --out"},
      {"dataset --space " + space + " --samples 2 --out " + space, "is also an input"},
      {"workload convert resnet18 --out " + dir.path("missing/w.json"), "does not exist"},
  };
  const std::string before = read_text(arch) + read_text(space);
  for (const auto& [args, message] : cases) {
    const auto r = run_duet(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
  }
  EXPECT_EQ(read_text(arch) + read_text(space), before);
  EXPECT_FALSE(std::filesystem::exists(dir.path("o.json")));
}

// Inputs that used to be accepted silently.
TEST(BadInput, DuplicateKeysEmptyNamesAndLooseNumbers) {
  TempDir dir;
  const std::string layer = R"("layers": [{"name": "r", "op": "relu"}])";
  Json huge_slope = Json::parse(read_text(test::source_path("configs/luts/gelu-16.json")));
  huge_slope["slopes"][0] = 1e39;  // finite as a double, infinite in fp32
  const std::string set =
      dir.file("set.json", R"({"gelu": ")" + dir.file("gelu.json", huge_slope.dump()) + "\"}");
  const Case cases[] = {
      {"--workload " +
           dir.file("dup.json",
                    R"({"name": "a", "name": "b", "inputs": {"x": [1, 4]}, )" + layer + "}"),
       {"dup.json", "key \"name\" appears twice"}},
      {"--workload " +
           dir.file("empty-name.json", R"({"name": "", "inputs": {"x": [1, 4]}, )" + layer + "}"),
       {"empty-name.json", "name: must not be empty"}},
      {"--workload " + dir.file("no-inputs.json", R"({"inputs": {}, )" + layer + "}"),
       {"no-inputs.json", "inputs: must name at least one input"}},
      {"--workload resnet18 --luts " + set, {"gelu.json", "slopes[0]", "does not fit fp32"}},
  };
  for (const auto& c : cases) expect_clean_failure(dir, c);
  for (const char* shard : {"0/1/2", " 0/2", "2/2", "0/0", "a/b"}) {
    const auto r = run_duet("dataset --space " + test::tiny_explore_space() +
                            " --samples 2 --shard \"" + shard + "\" --out " + dir.path("d.csv"));
    EXPECT_EQ(r.exit_code, 2) << shard << "\n" << r.output;
  }
  const auto many = run_duet("dataset --space " + test::tiny_explore_space() +
                             " --samples 1000000000000 --out " + dir.path("d.csv"));
  EXPECT_EQ(many.exit_code, 2) << many.output;
  EXPECT_NE(many.output.find("--samples: 1000000000000 is not in [1, 100000000]"),
            std::string::npos);
}

// NN-LUT table sets that used to be accepted: the shipped 16-entry set with one table edited
// (written as gelu.json next to the set) or left out.
Json shipped_gelu_table() {
  return Json::parse(read_text(test::source_path("configs/luts/gelu-16.json")));
}

std::string lut_set(const TempDir& dir, const Json* gelu, bool with_rsqrt = true) {
  Json set = Json::object();
  set["gelu"] =
      gelu ? dir.file("gelu.json", gelu->dump()) : test::source_path("configs/luts/gelu-16.json");
  set["exp"] = test::source_path("configs/luts/exp-16.json");
  set["reciprocal"] = test::source_path("configs/luts/reciprocal-16.json");
  if (with_rsqrt) set["rsqrt"] = test::source_path("configs/luts/rsqrt-16.json");
  return dir.file("set.json", set.dump());
}

std::string lut_sim_args(const std::string& set) {
  return "--workload bert-base --seq-len 16 --nonlinear nnlut --luts " + set;
}

// pow2 is 1/x's range reduction: on GELU it would compute LUT(m) 2^-k, not GELU.
TEST(BadInput, LutScalingMustBeTheFunctionsOwn) {
  TempDir dir;
  Json gelu = shipped_gelu_table();
  gelu["scaling"]["kind"] = "pow2";
  expect_clean_failure(dir, {lut_sim_args(lut_set(dir, &gelu)),
                             {"gelu.json: scaling.kind: \"pow2\" does not apply to gelu "
                              "(allowed: none)"}});
}

TEST(BadInput, LutInputRangeMustFitThePrecision) {
  TempDir dir;
  Json gelu = shipped_gelu_table();
  gelu["scaling"]["input_range"] = {-1e308, 1e308};
  expect_clean_failure(dir,
                       {lut_sim_args(lut_set(dir, &gelu)),
                        {"gelu.json: scaling.input_range: [-1e+308, 1e+308] does not fit "
                         "fp32 (lo, hi and hi - lo must be finite and in [-3.4e38, 3.4e38])"}});
  // Each end fits fp32, the width does not.
  gelu["scaling"]["input_range"] = {-3e38, 3e38};
  expect_clean_failure(dir, {lut_sim_args(lut_set(dir, &gelu)), {"input_range", "fp32"}});
}

TEST(BadInput, LutSetTablesAreCappedAtTheUnitsEntries) {
  TempDir dir;
  Json gelu = shipped_gelu_table();
  const int entries = 300;
  gelu["entries"] = entries;
  gelu["breakpoints"] = Json::array();
  for (int i = 1; i < entries; ++i) gelu["breakpoints"].push_back(-8.0 + 16.0 * i / entries);
  gelu["slopes"] = std::vector<double>(entries, 0.0);
  gelu["intercepts"] = std::vector<double>(entries, 0.0);
  expect_clean_failure(dir, {lut_sim_args(lut_set(dir, &gelu)),
                             {"set.json: gelu: ",
                              "gelu.json has 300 entries (allowed: 2 to 256, "
                              "the NN-LUT unit's sfu.lut_entries)"}});
}

TEST(BadInput, LutSetNeedsEveryFunctionTheUnitEvaluates) {
  TempDir dir;
  expect_clean_failure(dir, {lut_sim_args(lut_set(dir, nullptr, false)),
                             {"set.json: missing rsqrt (a set lists a table for each of gelu, "
                              "exp, reciprocal, rsqrt)"}});
}

// Sizes beyond what memory can hold are refused before any tile is built, naming the layer,
// the count and the limit, instead of ending in bad_alloc after tens of seconds.
TEST(BadInput, HugeWorkloadsAreRefusedBeforeMapping) {
  TempDir dir;
  const std::string huge_relu = dir.file(
      "huge.json",
      R"({"inputs": {"x": [1, 4611686018427387904]}, "layers": [{"name": "r", "op": "relu"}]})");
  const std::string gemm = dir.file(
      "gemm.json",
      R"({"inputs": {"x": [1000000, 1000]}, "layers": [{"name": "g", "op": "gemm", "out_features": 1000000}]})");
  // A row whose bytes overflow int64 (2^61 fp32 elements) is named as such, not as a negative
  // or wrapped count.
  std::string fp32 = read_text(test::source_path("configs/accel/mobile.json"));
  fp32.replace(fp32.find("\"activation\": \"int8\""), 20, "\"activation\": \"fp32\"");
  const std::string fp32_arch = dir.file("fp32.json", fp32);
  const std::string wide_row = dir.file(
      "row.json",
      R"({"inputs": {"x": [1, 2305843009213693952]}, "layers": [{"name": "n", "op": "layernorm"}]})");
  const Case cases[] = {
      {"--arch " + fp32_arch + " --workload " + wide_row,
       {"layer \"n\": smallest tile does not fit the buffer: one row needs more than 2^62 input"}},
      {"--workload resnet50 --batch 100000000", {"layer \"conv1\" needs", "--max-tiles"}},
      {"--workload bert-base --batch 100000000", {"tiles", "--max-tiles"}},
      {"--workload " + huge_relu, {"layer \"r\" needs", "above the limit of 4000000"}},
      {"--workload " + gemm, {"layer \"g\" needs", "--max-tiles"}},
      {"--workload bert-base --max-tiles 1000", {"above the limit of 1000 tiles"}},
      {"--workload resnet18 --max-tiles 0", {"--max-tiles: expected at least 1, got 0"}},
  };
  for (const auto& c : cases) expect_clean_failure(dir, c);
}

TEST(BadInput, CliOptions) {
  auto r = run_duet("sim --workload resnet18 --fidelity exact");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("fast, cycle"), std::string::npos);
  r = run_duet("sim --workload resnet18 --no-such-flag");
  EXPECT_EQ(r.exit_code, 2);
  r = run_duet("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  r = run_duet("sim --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--ideal-memory"), std::string::npos);
  // A stray word is refused by name before any work, in the simulator's and torch's commands.
  for (const std::string& args : {std::string("sim --workload resnet18 stray"),
                                  std::string("explore --study x.json stray --out o"),
                                  std::string("evaluator predict stray --model m")}) {
    r = run_duet(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    const bool torch_command = args.rfind("sim", 0) != 0;
    const std::string expected = !torch_command || test::kHaveTorch
                                     ? "unexpected argument \"stray\""
                                     : "this build has no libtorch";
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
  }
  for (const char* option : {"nonlinear", "luts", "schedule"}) {
    r = run_duet(std::string("sim --workload resnet18 --") + option + " \"\"");
    EXPECT_EQ(r.exit_code, 2) << option;
    EXPECT_NE(r.output.find(std::string("--") + option + ": expected a value"), std::string::npos)
        << r.output;
  }
}

// Without libtorch, its commands say so with exit 2; with it, they run.
TEST(BadInput, TorchCommandsSayWhenTheBuildLacksTorch) {
  for (const char* command :
       {"lut fit --help", "recast --help", "evaluator --help", "explore --help"}) {
    const auto r = run_duet(command);
    if (test::kHaveTorch) {
      EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.output;
    } else {
      EXPECT_EQ(r.exit_code, 2) << command;
      EXPECT_NE(r.output.find("-DDUET_WITH_TORCH=OFF"), std::string::npos) << r.output;
      EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    }
  }
}

TEST(BadInput, UnwritableOutputLeavesNothing) {
  auto r = run_duet("sim --workload resnet18 --out /nonexistent-dir/report.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("/nonexistent-dir/report.json"), std::string::npos);
}

}  // namespace
}  // namespace duet
