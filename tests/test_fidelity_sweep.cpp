// `--fidelity cycle` must give exactly the fast mode's cycles on whole networks, not only on
// single layers: the per-cycle PE array wakes SystemC processes in a different order, and
// nothing the model computes may depend on that order. This is a slice of bench/fidelity.sh
// (every zoo network on the shipped configs, and more random cases), which takes too long here.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/transformer_blocks.hpp"

namespace duet {
namespace {

Report run(const AcceleratorConfig& c, const Workload& w, Fidelity f) {
  SimOptions o;
  o.fidelity = f;
  return simulate(c, w, o);
}

// Per layer as well as in total: a difference that cancels out still fails.
void expect_same_cycles(const AcceleratorConfig& c, const Workload& w) {
  const Report fast = run(c, w, Fidelity::kFast);
  const Report cycle = run(c, w, Fidelity::kCycle);
  EXPECT_EQ(fast.cycles, cycle.cycles);
  EXPECT_EQ(fast.compute_cycles, cycle.compute_cycles);
  EXPECT_EQ(fast.dma_in_cycles, cycle.dma_in_cycles);
  EXPECT_EQ(fast.dma_out_cycles, cycle.dma_out_cycles);
  ASSERT_EQ(fast.layers.size(), cycle.layers.size());
  for (std::size_t i = 0; i < fast.layers.size(); ++i) {
    const LayerReport& a = fast.layers[i];
    const LayerReport& b = cycle.layers[i];
    EXPECT_EQ(a.start_cycle, b.start_cycle) << a.name;
    EXPECT_EQ(a.cycles, b.cycles) << a.name;
    EXPECT_EQ(a.stall_cycles, b.stall_cycles) << a.name;
  }
}

// BERT-base at sequence 16 on `edge` took the DRAM's loads and stores of one cycle in another
// order under cycle fidelity: each encoder's `ctx` layer was 2 cycles longer (33,170,964 vs
// 33,170,988 cycles in all). One encoder of it shows the same and runs 12 times faster.
Workload bert_base_one_encoder(int64_t seq) {
  WorkloadBuilder b("bert-base-1");
  std::string x = b.input("input_ids", {1, seq});
  x = b.layernorm("embeddings.ln", b.embedding("embeddings", x, 30522, 768));
  encoder_layer(b, "encoder.0.", x, {1, seq, 768, 12, false});
  return b.finish();
}

TEST(FidelitySweep, BertBaseEncoderOnEdge) {
  AcceleratorConfig c = test::shipped("edge");
  for (Schedule schedule : {Schedule::kSequential, Schedule::kOverlap}) {
    c.schedule = schedule;
    SCOPED_TRACE(schedule_name(schedule));
    expect_same_cycles(c, bert_base_one_encoder(16));
  }
}

int64_t uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// A small accelerator: every knob that changes which units meet in the same cycle.
AcceleratorConfig random_config(std::mt19937_64& rng) {
  AcceleratorConfig c = test::shipped("mobile");
  const Dataflow dataflows[] = {Dataflow::kWeightStationary, Dataflow::kOutputStationary,
                                Dataflow::kInputStationary};
  c.pe_rows = uniform(rng, 1, 12);
  c.pe_cols = uniform(rng, 1, 12);
  c.dataflow = dataflows[uniform(rng, 0, 2)];
  c.buffer_kib = uniform(rng, 32, 128);
  c.buffer_banks = uniform(rng, 1, 8);
  c.bank_width_bytes = int64_t{1} << uniform(rng, 1, 4);
  c.double_buffered = uniform(rng, 0, 3) != 0;
  c.dram_bandwidth_gbps = static_cast<double>(uniform(rng, 1, 64)) / 2;
  c.dram_latency_ns = static_cast<double>(uniform(rng, 0, 150));
  c.sfu_lanes = uniform(rng, 1, 16);
  c.sfu_pipeline_depth = uniform(rng, 1, 8);
  c.schedule = uniform(rng, 0, 1) == 0 ? Schedule::kSequential : Schedule::kOverlap;
  return c;
}

// A small network: an encoder layer, or a few convolutions with pooling and a residual, so that
// PE and SFU layers alternate and overlap.
Workload random_workload(std::mt19937_64& rng) {
  WorkloadBuilder b("random");
  if (uniform(rng, 0, 1) == 0) {
    const int64_t heads = uniform(rng, 1, 3);
    const int64_t hidden = heads * uniform(rng, 2, 32);
    const int64_t seq = uniform(rng, 2, 48);
    std::string x = b.input("x", {1, seq, hidden});
    for (int64_t i = 0, n = uniform(rng, 1, 2); i < n; ++i)
      x = encoder_layer(b, "enc" + std::to_string(i) + ".", x,
                        {1, seq, hidden, heads, uniform(rng, 0, 1) == 0});
    return b.finish();
  }
  int64_t channels = uniform(rng, 1, 24), size = uniform(rng, 4, 32);
  std::string x = b.input("x", {uniform(rng, 1, 2), channels, size, size});
  for (int64_t i = 0, n = uniform(rng, 2, 5); i < n; ++i) {
    const std::string name = "l" + std::to_string(i);
    switch (uniform(rng, 0, 3)) {
      case 0: {
        const int64_t kernel = uniform(rng, 0, 1) * 2 + 1, stride = uniform(rng, 1, 2);
        channels = uniform(rng, 1, 48);
        x = b.relu(name + ".relu", b.conv(name, x, channels, kernel, stride, kernel / 2));
        size = (size - 1) / stride + 1;
        break;
      }
      case 1:
        x = b.conv(name, x, channels, 3, 1, 1, channels);  // depthwise
        break;
      case 2:
        x = b.add(name + ".add", b.conv(name, x, channels, 3, 1, 1), x);
        break;
      default:
        if (size >= 2) {
          x = b.maxpool(name, x, 2, 2);
          size /= 2;
        }
    }
  }
  return b.finish();
}

// Same-cycle races are rare in random cases: of the seeds 1 to 60, six made the model fail here
// before same-cycle requests were arbitrated. This is the first of them: in its trial 0, the PE
// array and the SFU's pipeline hand tiles to the store engine in the same cycle.
TEST(FidelitySweep, RandomConfigsAndWorkloads) {
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 20; ++trial) {
    const AcceleratorConfig c = random_config(rng);
    const Workload w = random_workload(rng);
    SCOPED_TRACE("trial " + std::to_string(trial));
    expect_same_cycles(c, w);
  }
}

}  // namespace
}  // namespace duet
