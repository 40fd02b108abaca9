// Properties of whole simulations: reuse of the elaborated model, physical bounds on the zoo,
// real overlap of load / compute / store, and compute- vs memory-bound classification.
#include <gtest/gtest.h>

#include "sim/mapper.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/zoo.hpp"

namespace duet {
namespace {

TEST(Simulator, OneElaboratedModelRunsManyJobs) {
  const AcceleratorConfig mobile = test::shipped("mobile");
  const AcceleratorConfig edge = test::shipped("edge");
  const Workload resnet = zoo_workload("resnet18");
  const Workload bert = zoo_workload("bert-base", {1, 64});
  Report first = simulate(mobile, resnet);
  Report other = simulate(edge, bert);
  SimOptions ideal_options;
  ideal_options.ideal_memory = true;
  Report ideal = simulate(mobile, resnet, ideal_options);
  Report again = simulate(mobile, resnet);
  EXPECT_EQ(first.cycles, again.cycles);
  EXPECT_EQ(first.dram_read_bytes, again.dram_read_bytes);
  EXPECT_LT(ideal.cycles, first.cycles);
  EXPECT_GT(other.cycles, 0);
  for (std::size_t i = 0; i < first.layers.size(); ++i) {
    EXPECT_EQ(first.layers[i].cycles, again.layers[i].cycles) << first.layers[i].name;
    EXPECT_EQ(first.layers[i].start_cycle, again.layers[i].start_cycle);
  }
}

// Every layer of every zoo network, on every shipped accelerator, respects the array's peak and
// the DRAM channel's bandwidth.
TEST(Simulator, PhysicalSanityOnTheWholeZoo) {
  for (const char* arch : {"edge", "mobile", "cloud", "tpu-v1-like", "eyeriss-like"}) {
    // Sequential: its layers' spans add up to the run.
    AcceleratorConfig c = test::shipped(arch);
    c.schedule = Schedule::kSequential;
    const double peak = double(c.pe_rows * c.pe_cols);
    for (const auto& name : zoo_names()) {
      const Workload w = zoo_workload(name);
      Report r = simulate(c, w);
      int64_t sum = 0;
      for (const auto& l : r.layers) {
        EXPECT_GE(double(l.cycles), double(l.macs) / peak) << arch << " " << name << " " << l.name;
        EXPECT_GE(double(l.cycles) + 1e-9,
                  double(l.dram_read_bytes + l.dram_write_bytes) / c.dram_bytes_per_cycle())
            << arch << " " << name << " " << l.name;
        EXPECT_GE(l.stall_cycles, 0) << arch << " " << name << " " << l.name;
        sum += l.cycles;
      }
      EXPECT_EQ(sum, r.cycles) << arch << " " << name;
      EXPECT_EQ(r.macs, total_macs(w)) << arch << " " << name;
      EXPECT_GT(r.utilization, 0.0);
      EXPECT_LE(r.utilization, 1.0);
    }
  }
}

// Tiles are built layer by layer during the run: what layer_tiles builds is what the plan
// counted, the PE tiles carry exactly the layer's MACs, and each layer has one first tile.
TEST(Simulator, LayerTilesMatchTheirPlansOnTheZoo) {
  for (const char* arch : {"mobile", "cloud"}) {
    const AcceleratorConfig c = test::shipped(arch);
    for (const auto& name : zoo_names()) {
      const Workload w = zoo_workload(name);
      const std::vector<LayerPlan> plans = map_workload(c, w);
      ASSERT_EQ(plans.size(), w.layers.size());
      for (std::size_t i = 0; i < plans.size(); ++i) {
        const std::vector<Tile> tiles = layer_tiles(c, w.layers[i], plans[i]);
        EXPECT_EQ(int64_t(tiles.size()), plans[i].tile_count)
            << arch << " " << name << " " << plans[i].name;
        int64_t macs = 0, starts = 0;
        for (const Tile& t : tiles) {
          macs += t.work.macs;
          starts += t.layer_start;
        }
        if (plans[i].unit == Unit::kPeArray) {
          EXPECT_EQ(macs, plans[i].macs) << plans[i].name;
        }
        EXPECT_EQ(starts, tiles.empty() ? 0 : 1) << arch << " " << name << " " << plans[i].name;
      }
    }
  }
}

// Per-unit busy time and the time the units do not hide. Layers run one after another, so
// every SFU cycle is exposed and the memory-only time fits within the stalls.
TEST(Simulator, UnitBusyAndExposedTimeOnTheZoo) {
  AcceleratorConfig c = test::shipped("mobile");
  c.schedule = Schedule::kSequential;  // every SFU cycle exposed
  for (const auto& name : zoo_names()) {
    const Report r = simulate(c, zoo_workload(name));
    int64_t exposed = 0, dma_in = 0, dma_out = 0;
    for (const auto& l : r.layers) {
      exposed += l.exposed_sfu_cycles;
      dma_in += l.dma_in_cycles;
      dma_out += l.dma_out_cycles;
      EXPECT_EQ(l.exposed_sfu_cycles, l.sfu_cycles) << name << " " << l.name;
    }
    EXPECT_EQ(r.exposed_sfu_cycles, r.sfu_cycles) << name;
    EXPECT_EQ(exposed, r.exposed_sfu_cycles) << name;
    EXPECT_EQ(dma_in, r.dma_in_cycles) << name;
    EXPECT_EQ(dma_out, r.dma_out_cycles) << name;
    EXPECT_LE(r.exposed_memory_cycles, r.stall_cycles) << name;
    EXPECT_GT(r.dma_in_cycles, 0) << name;
    for (int64_t busy : {r.compute_cycles, r.sfu_cycles, r.dma_in_cycles, r.dma_out_cycles})
      EXPECT_LE(busy, r.cycles) << name;
  }
}

// A GEMM whose DRAM time and compute time are similar: with double buffering, loads of the
// next tile overlap compute, so the layer takes clearly less than the two added up.
TEST(Simulator, LoadComputeAndStoreOverlap) {
  AcceleratorConfig c = test::shipped("mobile");
  const Workload w = test::single_gemm(1024, 1024, 1024);
  Report r = simulate(c, w);
  const auto& l = r.layers[0];
  EXPECT_GT(l.tiles, 4);
  EXPECT_LT(double(l.cycles), 0.8 * double(l.compute_cycles + l.dram_busy_cycles));
  EXPECT_GE(l.cycles, std::max(l.compute_cycles, l.dram_busy_cycles));
  // Single buffering removes the overlap, and the layer gets slower.
  c.double_buffered = false;
  Report single = simulate(c, w);
  EXPECT_GT(single.layers[0].cycles, l.cycles);
}

TEST(Simulator, BoundFollowsTheNumbers) {
  AcceleratorConfig c = test::shipped("mobile");
  const Workload w = test::single_gemm(512, 512, 512);
  c.dram_bandwidth_gbps = 1000;
  Report fast_dram = simulate(c, w);
  EXPECT_EQ(fast_dram.layers[0].bound, "compute");
  c.dram_bandwidth_gbps = 0.5;
  Report slow_dram = simulate(c, w);
  EXPECT_EQ(slow_dram.layers[0].bound, "memory");
  EXPECT_GT(slow_dram.layers[0].stall_cycles, slow_dram.layers[0].compute_cycles);
  // Slow DRAM may make the mapper trade compute for traffic, never the other way round.
  SimOptions ideal;
  ideal.ideal_memory = true;
  const int64_t minimum = simulate(c, w, ideal).layers[0].compute_cycles;
  EXPECT_GE(slow_dram.layers[0].compute_cycles, minimum);
  EXPECT_LE(slow_dram.layers[0].dram_read_bytes, simulate(c, w, ideal).layers[0].dram_read_bytes);
}

TEST(Simulator, IdealMemoryHasNoStallsOnPeLayers) {
  SimOptions o;
  o.ideal_memory = true;
  AcceleratorConfig c = test::shipped("mobile");
  c.schedule = Schedule::kSequential;  // as --ideal-memory implies
  Report r = simulate(c, zoo_workload("resnet18"), o);
  for (const auto& l : r.layers) {
    if (l.unit == "pe_array") {
      EXPECT_EQ(l.stall_cycles, 0) << l.name;
    }
  }
}

TEST(Simulator, ReluFusesIntoItsProducer) {
  WorkloadBuilder b("fuse");
  b.input("x", {1, 8, 8, 8});
  b.conv("conv", "x", 16, 3, 1, 1);
  b.relu("relu", "conv");
  b.relu("relu2", "relu");  // its producer is a relu: runs on the SFU
  Report r = simulate(test::shipped("mobile"), b.finish());
  EXPECT_EQ(r.layers[1].bound, "fused");
  EXPECT_EQ(r.layers[1].cycles, 0);
  EXPECT_EQ(r.layers[2].unit, "sfu");
  EXPECT_GT(r.layers[2].sfu_cycles, 0);
}

TEST(Simulator, TraceHasOneTrackPerUnit) {
  SimOptions o;
  o.trace = true;
  Report r = simulate(test::shipped("mobile"), zoo_workload("bert-base", {1, 16}), o);
  bool seen[5] = {};
  for (const auto& e : r.trace) {
    ASSERT_GE(e.track, 0);
    ASSERT_LT(e.track, 5);
    seen[e.track] = true;
    EXPECT_GT(e.cycles, 0);
    EXPECT_LE(e.start_cycle + e.cycles, r.cycles + 1000);  // DRAM latency may trail
  }
  for (bool s : seen) EXPECT_TRUE(s);
}

}  // namespace
}  // namespace duet
