#pragma once
// Helpers shared by the tests: shipped configs, one-layer workloads, and running the CLI.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/accelerator_config.hpp"
#include "workloads/builder.hpp"
#include "workloads/json_reader.hpp"

namespace duet::test {

inline std::string source_path(const std::string& relative) {
  return std::string(DUET_SOURCE_DIR) + "/" + relative;
}

// The 32-point, 6-network space the co-exploration tests search exhaustively.
inline std::string tiny_explore_space() {
  return source_path("tests/data/explore-tiny-space.json");
}

inline AcceleratorConfig shipped(const std::string& name) {
  return load_accelerator_config(source_path("configs/accel/" + name + ".json"));
}

inline AcceleratorConfig array_config(int64_t rows, int64_t cols, Dataflow dataflow) {
  AcceleratorConfig c = shipped("mobile");
  c.pe_rows = rows;
  c.pe_cols = cols;
  c.dataflow = dataflow;
  return c;
}

// One conv layer on a 1 x channels x h x w input; padding is top, left, bottom, right.
inline Workload conv_workload(int64_t h, int64_t w, int64_t fh, int64_t fw, int64_t channels,
                              int64_t filters, int64_t stride,
                              const std::array<int64_t, 4>& padding) {
  WorkloadBuilder b("conv");
  b.input("x", {1, channels, h, w});
  Layer l;
  l.name = "conv";
  l.op = OpKind::kConv2d;
  l.inputs = {"x"};
  l.out_channels = filters;
  l.kernel = {fh, fw};
  l.stride = {stride, stride};
  l.padding = padding;
  b.append(l);
  return b.finish();
}

// A conv layer exactly as SCALE-Sim's topology CSV describes it (no padding; SCALE-Sim's
// ceil output-size rule via bottom/right padding of stride - 1).
inline Workload scalesim_conv(int64_t h, int64_t w, int64_t fh, int64_t fw, int64_t channels,
                              int64_t filters, int64_t stride) {
  return conv_workload(h, w, fh, fw, channels, filters, stride, {0, 0, stride - 1, stride - 1});
}

inline Workload single_gemm(int64_t m, int64_t n, int64_t k) {
  WorkloadBuilder b("gemm");
  b.input("x", {m, k});
  b.gemm("gemm", "x", n);
  return b.finish();
}

// A whole file as text ("" if it cannot be read).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Softmax rows of arbitrary (but fixed) logits, one row of `sizes[d]` weights per dimension:
// relaxed choices away from any corner.
inline std::vector<std::vector<double>> softmax_rows(const std::vector<std::size_t>& sizes,
                                                     double frequency) {
  std::vector<std::vector<double>> rows;
  int k = 0;
  for (std::size_t n : sizes) {
    std::vector<double> row;
    double sum = 0;
    for (std::size_t c = 0; c < n; ++c) {
      row.push_back(std::exp(std::sin(frequency * ++k)));
      sum += row.back();
    }
    for (double& w : row) w /= sum;
    rows.push_back(row);
  }
  return rows;
}

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command line, capturing stdout and stderr.
inline CliResult run_command(const std::string& command_line) {
  CliResult result;
  const std::string command = command_line + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe)) result.output += buffer.data();
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline CliResult run_duet(const std::string& args) {
  return run_command(std::string(DUET_BINARY) + " " + args);
}

// Strips the wall-clock fields: everything else a study writes must be the same bytes.
inline Json without_seconds(Json j) {
  if (j.is_object()) {
    j.erase("seconds");
    for (auto& [key, value] : j.items()) value = without_seconds(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_seconds(value);
  }
  return j;
}

#ifdef DUET_HAVE_TORCH
constexpr bool kHaveTorch = true;
#else
constexpr bool kHaveTorch = false;
#endif

#ifdef DUET_HAVE_MPI
constexpr bool kHaveMpi = true;
#else
constexpr bool kHaveMpi = false;
#define DUET_MPIEXEC "mpiexec"  // never run: the tests skip
#endif
constexpr const char* kNoMpi =
    "duet was built without MPI (install libopenmpi-dev openmpi-bin and reconfigure)";

// `duet <args>` on two MPI ranks on any machine, as root too (CI containers); `timeout` turns a
// hang into a failure instead of a stuck test run.
inline CliResult run_on_two_ranks(const std::string& args, int timeout_s = 120) {
  return run_command(
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
      "OMPI_MCA_rmaps_base_oversubscribe=1 timeout " +
      std::to_string(timeout_s) + " " DUET_MPIEXEC " -np 2 " DUET_BINARY " " + args);
}

// A derived design of `duet explore` (a summary.json entry): its files load in `duet sim` and
// give exactly the reported figures.
inline void expect_reproducible_in_duet_sim(const std::string& out, const Json& entry) {
  const std::string report = out + "/" + entry["id"].get<std::string>() + "-sim.json";
  const auto r = run_duet("sim --arch " + out + "/" + entry["accelerator"].get<std::string>() +
                          " --workload " + out + "/" + entry["workload"].get<std::string>() +
                          " --out " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json summary = Json::parse(read_text(report))["summary"];
  for (const char* metric : {"latency_s", "energy_j", "area_mm2", "edp_js"}) {
    EXPECT_DOUBLE_EQ(summary[metric].get<double>(), entry["simulated"][metric].get<double>())
        << entry["id"] << " " << metric;
  }
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("duet-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name, const std::string& content = "") const {
    std::string p = (path_ / name).string();
    if (!content.empty()) std::ofstream(p) << content;
    return p;
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

}  // namespace duet::test
