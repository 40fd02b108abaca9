// The overlap schedule on task graphs built by hand (docs/architecture.md, "Schedules"): a
// two-stage pipeline follows the pipeline law exactly, and no run beats the critical path of
// its task graph, computed here independently of the controller.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <random>

#include "sim/mapper.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/zoo.hpp"

namespace duet {
namespace {

// A hand-built layer: `tiles` tiles of `cycles` each on `unit`, finishing its output in order
// (tile j completes the first j + 1 of `tiles` parts), each reading the matching prefix of its
// sources (or all of a `whole` source).
struct Stage {
  Unit unit = Unit::kPeArray;
  int64_t tiles = 1;
  std::vector<int64_t> cycles;  // per tile
  std::vector<int> sources;     // earlier stages, at most two
  bool whole = false;
  int64_t load_bytes = 0;
  int64_t store_bytes = 0;
  int64_t drain = 0;  // SFU tiles: cycles of each that only drain the pipeline
  int64_t filter_bytes = 0;
  int64_t psum_bytes = 0;  // partial sums loaded into the ofmap partition, stored again
  int64_t fold_tiles = 1;  // PE tiles per fold
};

struct Graph {
  std::vector<LayerPlan> plans;
  std::vector<std::vector<Tile>> tiles;
};

Graph build(const std::vector<Stage>& stages) {
  Graph g;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const Stage& s = stages[i];
    LayerPlan p;
    p.name = "stage" + std::to_string(i);
    p.unit = s.unit;
    p.tile_count = s.tiles;
    p.output_elements = s.tiles;
    for (std::size_t k = 0; k < s.sources.size(); ++k) {
      p.sources.push_back({s.sources[k], static_cast<int>(k), s.whole});
      p.need_den[k] = s.tiles;
    }
    std::vector<Tile> tiles;
    for (int64_t j = 0; j < s.tiles; ++j) {
      Tile t;
      t.compute_cycles = s.cycles[static_cast<std::size_t>(j)];
      t.drain_cycles = s.drain;
      t.fold_start = j % s.fold_tiles == 0;  // PE folds keep the array until their end
      t.fold_end = j % s.fold_tiles == s.fold_tiles - 1 || j == s.tiles - 1;
      t.layer_start = j == 0;
      t.done_prefix = j + 1;
      t.need = {j + 1, j + 1};
      t.load_bytes[kIfmap] = s.load_bytes;
      t.load_bytes[kFilter] = s.filter_bytes;
      t.load_bytes[kOfmap] = s.psum_bytes;
      t.store_bytes = s.store_bytes;
      tiles.push_back(t);
    }
    g.plans.push_back(p);
    g.tiles.push_back(tiles);
  }
  return g;
}

Report run(AcceleratorConfig config, const Graph& g, bool double_buffered,
           Schedule schedule = Schedule::kOverlap) {
  config.schedule = schedule;
  config.double_buffered = double_buffered;
  return simulate_plans(config, g.plans, [&](std::size_t i) { return g.tiles[i]; });
}

// The longest chain of dependencies, with unlimited units and buffers and free transfers: a
// tile takes its compute cycles from the moment its inputs are final and the layer's previous
// tile has left its unit (a layer's tiles run in order; an SFU tile leaves as it drains). A tile's
// output prefix is final once it and the tiles before it are done.
int64_t critical_path(const std::vector<LayerPlan>& plans,
                      const std::vector<std::vector<Tile>>& tiles) {
  std::vector<std::vector<int64_t>> final_at(plans.size());  // per tile, prefix done by then
  std::vector<int64_t> complete(plans.size(), 0);
  auto time_of_prefix = [&](int layer, int64_t needed) {
    const auto& ts = tiles[static_cast<std::size_t>(layer)];
    const auto& at = final_at[static_cast<std::size_t>(layer)];
    for (std::size_t t = 0; t < ts.size(); ++t)
      if (ts[t].done_prefix >= needed) return at[t];
    return complete[static_cast<std::size_t>(layer)];
  };
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const LayerPlan& p = plans[i];
    auto ready_for = [&](const Tile& tile) {
      int64_t ready = 0;
      for (const LayerPlan::Source& s : p.sources) {
        const int64_t den = p.need_den[static_cast<std::size_t>(s.input)];
        int64_t at = complete[static_cast<std::size_t>(s.layer)];
        if (!s.whole && den != 0) {
          const int64_t total = plans[static_cast<std::size_t>(s.layer)].output_elements;
          const auto needed = static_cast<int64_t>(
              (static_cast<__int128>(total) * tile.need[static_cast<std::size_t>(s.input)] + den -
               1) /
              den);
          at = time_of_prefix(s.layer, needed);
        }
        ready = std::max(ready, at);
      }
      return ready;
    };
    if (tiles[i].empty()) {
      complete[i] = ready_for(Tile{});
      continue;
    }
    int64_t so_far = 0, free_at = 0;  // outputs final; the unit takes the next tile
    for (const Tile& t : tiles[i]) {
      const int64_t end = std::max(free_at, ready_for(t)) + t.compute_cycles;
      free_at = end - t.drain_cycles;  // the next tile may enter as this one drains
      so_far = std::max(so_far, end);
      final_at[i].push_back(so_far);
    }
    complete[i] = so_far;
  }
  return *std::max_element(complete.begin(), complete.end());
}

TEST(TaskGraph, TwoStagePipelineFollowsThePipelineLaw) {
  const AcceleratorConfig c = test::shipped("mobile");
  for (const auto& [n, gemm, sfu] : std::vector<std::array<int64_t, 3>>{
           {1, 100, 40}, {6, 100, 40}, {6, 40, 100}, {9, 70, 70}, {16, 3, 250}}) {
    Stage producer, consumer;
    producer.tiles = consumer.tiles = n;
    producer.cycles.assign(static_cast<std::size_t>(n), gemm);
    consumer.unit = Unit::kSfu;
    consumer.cycles.assign(static_cast<std::size_t>(n), sfu);
    consumer.sources = {0};
    const Graph g = build({producer, consumer});
    SCOPED_TRACE(std::to_string(n) + " items, g " + std::to_string(gemm) + ", s " +
                 std::to_string(sfu));
    // Each unit has its own slots, so one per unit already lets the stages overlap (with
    // shared slots, one slot gave n (g + s): a tile held it from load to compute end).
    for (bool double_buffered : {true, false})
      EXPECT_EQ(run(c, g, double_buffered).cycles, gemm + sfu + (n - 1) * std::max(gemm, sfu));
  }
}

// Under overlap, back-to-back SFU tiles enter the pipeline while the previous one drains: n
// tiles of c cycles with a d-cycle drain take n (c - d) + d; sequential keeps n c.
TEST(TaskGraph, SfuTilesStreamThroughItsPipelineUnderOverlap) {
  AcceleratorConfig c = test::shipped("mobile");
  Stage sfu;
  sfu.unit = Unit::kSfu;
  sfu.tiles = 10;
  sfu.cycles.assign(10, 50);
  sfu.drain = 7;
  const Graph g = build({sfu});
  const Report overlap = run(c, g, true);
  EXPECT_EQ(overlap.cycles, 10 * (50 - 7) + 7);
  EXPECT_EQ(overlap.sfu_cycles, overlap.cycles);  // busy while draining
  EXPECT_EQ(overlap.exposed_sfu_cycles, overlap.cycles);
  EXPECT_EQ(overlap.layers[0].sfu_cycles, overlap.cycles);
  const Report sequential = run(c, g, true, Schedule::kSequential);
  EXPECT_EQ(sequential.cycles, 10 * 50);
}

// A PE layer's first weights load while it waits for its input, when the buffer has a second
// slot: the GEMM starts the moment the SFU's output is stored.
TEST(TaskGraph, WeightsArePrefetchedWhileTheInputIsComputed) {
  const AcceleratorConfig c = test::shipped("mobile");
  Stage producer, gemm;
  producer.unit = Unit::kSfu;
  producer.cycles = {1000};
  gemm.cycles = {100};
  gemm.sources = {0};
  gemm.filter_bytes = 8192;
  const Graph g = build({producer, gemm});
  const Report prefetched = run(c, g, true);
  EXPECT_EQ(prefetched.cycles, 1000 + 100);
  EXPECT_EQ(prefetched.dram_read_bytes, 8192);
  const Report single = run(c, g, false);  // its one slot is the producer's
  EXPECT_GT(single.cycles, 1000 + 100 + c.dram_latency_cycles());
  // A matmul's second operand is another layer's output: nothing to prefetch.
  gemm.sources = {0, 0};
  EXPECT_GT(run(c, build({producer, gemm}), true).cycles, 1000 + 100);
}

// Tiles that reload partial sums hold their ofmap region from load to the end of their store,
// so two loaded tiles and two storing ones could need twice the ofmap partition; loads wait for
// room instead. A configuration the cnn-imagenet space samples (16x16 WS, 1 MiB buffer, fast
// DRAM) held 1.33x its ofmap partition on MobileNetV2 before they did.
TEST(TaskGraph, PartialSumsNeverOverfillTheOfmapPartition) {
  AcceleratorConfig c = test::shipped("mobile");
  c.pe_rows = c.pe_cols = 16;
  c.buffer_kib = 1024;
  c.buffer_banks = 16;
  c.dram_bandwidth_gbps = 102.4;
  const int64_t capacity = c.partition_bytes(c.partition.ofmap);
  for (Schedule schedule : {Schedule::kSequential, Schedule::kOverlap}) {
    c.schedule = schedule;
    const Report r = simulate(c, zoo_workload("mobilenet_v2"));
    EXPECT_LE(r.buffer_peak_bytes[kOfmap], capacity);
    EXPECT_GT(r.buffer_peak_bytes[kOfmap], capacity * 9 / 10);  // the partition is used
  }
}

// Two memory-bound layers (the channel busier than their units) keep sequential order: with
// the SFU's loads in the channel behind the GEMM's stores, this graph took 6,704 cycles under
// overlap against 6,572 sequential (trial 823 of the random graphs below).
TEST(TaskGraph, MemoryBoundLayersKeepSequentialOrder) {
  Stage gemm;
  gemm.tiles = 6;
  gemm.cycles = {14, 263, 295, 39, 81, 158};
  gemm.store_bytes = 8000;
  gemm.filter_bytes = 3944;
  Stage sfu;
  sfu.unit = Unit::kSfu;
  sfu.tiles = 4;
  sfu.cycles = {64, 58, 40, 132};
  sfu.sources = {0};
  sfu.store_bytes = 6912;
  sfu.filter_bytes = 3254;
  sfu.psum_bytes = 12643;
  const Graph g = build({gemm, sfu});
  const AcceleratorConfig c = test::shipped("mobile");
  const Report ov = run(c, g, true);
  const Report seq = run(c, g, true, Schedule::kSequential);
  EXPECT_EQ(ov.cycles, seq.cycles);
  EXPECT_EQ(ov.layers[1].start_cycle, ov.layers[0].start_cycle + ov.layers[0].cycles);
  // A compute-bound consumer still follows its producer tile by tile.
  Stage light = sfu;
  light.filter_bytes = light.psum_bytes = light.store_bytes = 0;
  const Report mixed = run(c, build({gemm, light}), true);
  EXPECT_LT(mixed.layers[1].start_cycle, mixed.layers[0].start_cycle + mixed.layers[0].cycles);
}

// Random graphs of PE and SFU stages: streamed and whole dependencies, folds of several tiles,
// DRAM traffic with weights and partial sums.
TEST(TaskGraph, NoRunBeatsItsCriticalPathOrItsBusiestUnit) {
  const AcceleratorConfig c = test::shipped("mobile");
  std::mt19937_64 rng(7);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  // Overlap is greedy, not optimal, but never slower here. With shared input slots it lost in
  // 6 of these runs (by up to 2.9%); with per-unit slots in 2; keeping two memory-bound layers
  // in sequential order, and prefetching no weights behind one, in none. (Other seeds still
  // find rare losses: docs/architecture.md, "Schedules".)
  int losses = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const bool traffic = trial % 2 == 1;
    std::vector<Stage> stages;
    const int64_t count = uniform(1, 7);
    for (int64_t i = 0; i < count; ++i) {
      Stage s;
      s.unit = uniform(0, 1) == 0 ? Unit::kPeArray : Unit::kSfu;
      s.tiles = uniform(1, 6);
      for (int64_t j = 0; j < s.tiles; ++j) s.cycles.push_back(uniform(10, 400));
      for (int64_t k = 0; k < std::min<int64_t>(i, uniform(0, 2)); ++k)
        s.sources.push_back(static_cast<int>(uniform(0, i - 1)));
      s.whole = uniform(0, 3) == 0;
      if (traffic) {
        s.load_bytes = uniform(0, 1) * uniform(0, 8192);
        s.store_bytes = uniform(0, 1) * uniform(0, 8192);
        s.filter_bytes = uniform(0, 1) * uniform(0, 4096);
        s.psum_bytes = uniform(0, 3) == 0 ? uniform(1, 16384) : 0;
      }
      if (s.unit == Unit::kPeArray) s.fold_tiles = uniform(1, 3);
      if (s.unit == Unit::kSfu) s.drain = uniform(0, 1) * uniform(0, 8);
      stages.push_back(s);
    }
    const Graph g = build(stages);
    SCOPED_TRACE("trial " + std::to_string(trial));
    for (bool double_buffered : {true, false}) {
      const Report r = run(c, g, double_buffered);
      EXPECT_GE(r.cycles, critical_path(g.plans, g.tiles));
      EXPECT_GE(r.cycles, std::max({r.compute_cycles, r.sfu_cycles, r.dma_in_cycles}));
      const int64_t sequential = run(c, g, double_buffered, Schedule::kSequential).cycles;
      EXPECT_LE(r.cycles, sequential) << (traffic ? "with" : "without") << " traffic";
      losses += r.cycles > sequential;
    }
  }
  std::cout << "overlap lost to sequential in " << losses << " of 4000 runs\n";
}

TEST(TaskGraph, ZooRunsDoNotBeatTheirCriticalPath) {
  AcceleratorConfig c = test::shipped("mobile");
  c.schedule = Schedule::kOverlap;
  for (const Workload& w : {zoo_workload("resnet18"), zoo_workload("bert-base", {1, 128})}) {
    const std::vector<LayerPlan> plans = map_workload(c, w);
    std::vector<std::vector<Tile>> tiles;
    for (std::size_t i = 0; i < plans.size(); ++i)
      tiles.push_back(layer_tiles(c, w.layers[i], plans[i]));
    const Report r = simulate(c, w);
    const int64_t path = critical_path(plans, tiles);
    EXPECT_GE(r.cycles, path) << w.name;
    EXPECT_GT(path, r.cycles / 2) << w.name;  // the bound is not vacuous
    std::cout << w.name << ": " << r.cycles << " cycles, critical path " << path << "\n";
  }
}

}  // namespace
}  // namespace duet
