// SCALE-Sim users bring their topology CSVs and .cfg files; Duet users write workload JSON.
#include <gtest/gtest.h>

#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

using test::TempDir;

TEST(ScaleSimTopology, ConvFormUsesScaleSimOutputSize) {
  TempDir dir;
  const std::string csv = dir.file("net.csv",
                                   "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
                                   "Width, Channels, Num Filter, Strides,\n"
                                   "Conv1, 16, 16, 3, 3, 16, 32, 1,\n"
                                   "Conv2, 15, 15, 3, 3, 5, 12, 2,\n"
                                   "Conv3, 224, 224, 7, 7, 3, 64, 2,\n");
  Workload w = load_workload(csv, {});
  ASSERT_EQ(w.layers.size(), 3u);
  EXPECT_EQ(w.layers[0].output_shape, (Shape{1, 32, 14, 14}));
  // ceil((15 - 3 + 2) / 2) = 7, where floor((15 - 3) / 2) + 1 = 7 too.
  EXPECT_EQ(w.layers[1].output_shape, (Shape{1, 12, 7, 7}));
  // ceil((224 - 7 + 2) / 2) = 110, one more than floor((224 - 7) / 2) + 1 = 109.
  EXPECT_EQ(w.layers[2].output_shape, (Shape{1, 64, 110, 110}));
  EXPECT_EQ(layer_macs(w.layers[0]), 14 * 14 * 32 * 3 * 3 * 16);

  SimOptions o;
  o.ideal_memory = true;
  Report r = simulate(test::array_config(32, 32, Dataflow::kWeightStationary), w, o);
  EXPECT_EQ(r.layers[0].compute_cycles, 1449);  // REFERENCE.md's SCALE-Sim figure
}

TEST(ScaleSimTopology, GemmForm) {
  TempDir dir;
  const std::string csv = dir.file("gemm.csv", "Layer, M, N, K,\nfc1, 100, 70, 50,\n");
  Workload w = load_workload(csv, {});
  ASSERT_EQ(w.layers.size(), 1u);
  GemmView v = gemm_view(w.layers[0]);
  EXPECT_EQ(v.p, 100);
  EXPECT_EQ(v.f, 70);
  EXPECT_EQ(v.k, 50);
}

TEST(ScaleSimTopology, BadRowsNameTheLine) {
  TempDir dir;
  const std::string csv = dir.file("bad.csv", "Layer, M, N, K,\nfc1, 100, x, 50,\n");
  try {
    load_workload(csv, {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"N\""), std::string::npos) << e.what();
  }
}

TEST(ScaleSimConfig, ImportsArraySramDataflowAndBandwidth) {
  TempDir dir;
  const std::string cfg = dir.file("google.cfg",
                                   "[general]\nrun_name = google_tpu\n\n[architecture_presets]\n"
                                   "ArrayHeight:    128\nArrayWidth:     64\n"
                                   "IfmapSramSzkB:    6144\nFilterSramSzkB:   6144\n"
                                   "OfmapSramSzkB:    2048\nIfmapOffset:    0\n"
                                   "FilterOffset:   10000000\nOfmapOffset:    20000000\n"
                                   "Bandwidth : 10\nDataflow : os\nMemoryBanks: 4\n\n"
                                   "[run_presets]\nInterfaceBandwidth: CALC\n");
  AcceleratorConfig c = load_accelerator(cfg);
  EXPECT_EQ(c.name, "google_tpu");
  EXPECT_EQ(c.pe_rows, 128);
  EXPECT_EQ(c.pe_cols, 64);
  EXPECT_EQ(c.dataflow, Dataflow::kOutputStationary);
  EXPECT_EQ(c.buffer_kib, 14336);
  EXPECT_NEAR(c.partition.ofmap, 2048.0 / 14336.0, 1e-12);
  EXPECT_DOUBLE_EQ(c.dram_bandwidth_gbps, 10.0);
  EXPECT_EQ(c.buffer_banks, 4);
  EXPECT_EQ(c.schedule, Schedule::kSequential);  // layers one after another, as in SCALE-Sim

  const std::string bad = dir.file("bad.cfg",
                                   "ArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 64\n"
                                   "FilterSramSzkB: 64\nOfmapSramSzkB: 64\n"
                                   "Bandwidth: 10\nDataflow: rs\n");
  EXPECT_THROW(load_accelerator(bad), InputError);
}

TEST(WorkloadJson, ChainsLayersAndParsesAttributes) {
  TempDir dir;
  const std::string path = dir.file("net.json", R"({
    "name": "tiny",
    "inputs": {"image": [2, 3, 32, 32]},
    "layers": [
      {"name": "c1", "op": "conv2d", "out_channels": 8, "kernel": 3, "padding": 1},
      {"name": "r1", "op": "relu"},
      {"name": "dw", "op": "conv2d", "out_channels": 8, "kernel": [3, 3], "stride": 2,
       "padding": [0, 0, 1, 1], "groups": 8},
      {"name": "p", "op": "maxpool", "kernel": 2, "stride": 2},
      {"name": "g", "op": "global_avgpool"},
      {"name": "flat", "op": "reshape", "shape": [2, -1]},
      {"name": "fc", "op": "gemm", "out_features": 10},
      {"name": "sm", "op": "softmax", "axis": -1, "impl": "exact"}
    ]})");
  Workload w = load_workload(path, {});
  EXPECT_EQ(w.name, "tiny");
  EXPECT_EQ(w.layers[0].output_shape, (Shape{2, 8, 32, 32}));
  EXPECT_EQ(w.layers[2].output_shape, (Shape{2, 8, 16, 16}));
  EXPECT_EQ(w.layers[3].output_shape, (Shape{2, 8, 8, 8}));
  EXPECT_EQ(w.layers[5].output_shape, (Shape{2, 8}));
  EXPECT_EQ(w.layers[7].output_shape, (Shape{2, 10}));
  EXPECT_EQ(layer_macs(w.layers[2]), 2 * 16 * 16 * 8 * 9);  // depthwise: one channel per filter
  EXPECT_EQ(layer_macs(w.layers[6]), 2 * 8 * 10);
}

TEST(WorkloadJson, AttentionMatmulWithBatchDimensions) {
  TempDir dir;
  const std::string path = dir.file("attn.json", R"({
    "inputs": {"q": [1, 4, 16, 8], "k": [1, 4, 16, 8]},
    "layers": [{"name": "s", "op": "matmul", "inputs": ["q", "k"], "transpose_b": true}]})");
  Workload w = load_workload(path, {});
  EXPECT_EQ(w.layers[0].output_shape, (Shape{1, 4, 16, 16}));
  EXPECT_EQ(layer_macs(w.layers[0]), 4 * 16 * 16 * 8);
}

}  // namespace
}  // namespace duet
