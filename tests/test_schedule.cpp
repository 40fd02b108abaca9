// The two schedules (docs/architecture.md, "Schedules"): overlap never loses to sequential, is
// bounded below by every unit's busy time, repeats itself exactly, and hides SFU work under the
// PE array in attention. (Each unit running one tile at a time is checked inside every run.)
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/report_writer.hpp"
#include "sim/sim_request.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/workload_io.hpp"
#include "workloads/zoo.hpp"

namespace duet {
namespace {

Report run(AcceleratorConfig config, const Workload& w, Schedule schedule) {
  config.schedule = schedule;
  return simulate(config, w);
}

std::string without_wall_time(Report r) {
  r.wall_time_s = 0;
  return report_json(r);
}

TEST(Schedule, OverlapIsBoundedByTheUnitsAndBySequential) {
  for (const char* arch :
       {"edge", "mobile", "cloud", "eyeriss-like", "tpu-v1-like", "mobile single-buffered"}) {
    AcceleratorConfig c = test::shipped(std::string(arch).substr(0, std::string(arch).find(' ')));
    // One slot per unit: a loaded tile holds its unit's slot until computed.
    c.double_buffered = std::string(arch).find("single") == std::string::npos;
    for (const auto& name : zoo_names()) {
      const Workload w = zoo_workload(name);
      const Report seq = run(c, w, Schedule::kSequential);
      const Report ov = run(c, w, Schedule::kOverlap);
      SCOPED_TRACE(std::string(arch) + " " + name);
      EXPECT_LE(ov.cycles, seq.cycles);
      for (int64_t busy : {ov.compute_cycles, ov.sfu_cycles, ov.dma_in_cycles, ov.dma_out_cycles,
                           ov.dram_busy_cycles})
        EXPECT_LE(busy, ov.cycles);
      // Overlap changes when work happens, not how much. SFU layers that stream behind a GEMM
      // are cut into more row blocks, each paying the pass latencies; back-to-back SFU tiles
      // hide only their pipeline drain (a few cycles of each).
      EXPECT_EQ(ov.compute_cycles, seq.compute_cycles);
      EXPECT_GE(ov.sfu_cycles, seq.sfu_cycles * 99 / 100);
      EXPECT_EQ(ov.dram_read_bytes, seq.dram_read_bytes);
      EXPECT_EQ(ov.macs, seq.macs);
      EXPECT_LE(ov.exposed_sfu_cycles, ov.sfu_cycles);
      // Live tiles fit their partitions (a run that overfills one stops with an internal error).
      const double shares[] = {c.partition.ifmap, c.partition.filter, c.partition.ofmap};
      for (int o = 0; o < 3; ++o) {
        EXPECT_LE(ov.buffer_peak_bytes[o], c.partition_bytes(shares[o])) << kOperandNames[o];
        EXPECT_LE(seq.buffer_peak_bytes[o], c.partition_bytes(shares[o])) << kOperandNames[o];
      }
      EXPECT_GT(ov.buffer_peak_bytes[kIfmap] + ov.buffer_peak_bytes[kFilter], 0);
      EXPECT_GE(ov.stall_cycles, 0);
      for (const auto& l : ov.layers) {
        EXPECT_LE(l.start_cycle + l.cycles, ov.cycles) << l.name;
        EXPECT_GE(l.cycles, l.compute_cycles + l.sfu_cycles) << l.name;
      }
    }
  }
}

// At a few tokens, row blocks of one row each would pay the SFU's latencies for nothing: blocks
// must be long enough to be worth them, and overlap stays at or below sequential.
TEST(Schedule, ShortSequencesAreNotCutIntoUselessRowBlocks) {
  for (const char* arch : {"mobile", "cloud"}) {
    for (int64_t tokens : {1, 2, 3, 17}) {
      for (NonlinearImpl impl : {NonlinearImpl::kExact, NonlinearImpl::kIbert}) {
        Workload w = zoo_workload("bert-base", {1, tokens});
        set_nonlinear_impl(w, impl);
        const AcceleratorConfig c = test::shipped(arch);
        SCOPED_TRACE(std::string(arch) + " " + std::to_string(tokens));
        EXPECT_LE(run(c, w, Schedule::kOverlap).cycles, run(c, w, Schedule::kSequential).cycles);
      }
    }
  }
}

TEST(Schedule, OverlapRepeatsItselfExactly) {
  const AcceleratorConfig c = test::shipped("mobile");
  const Workload w = zoo_workload("bert-base", {1, 128});
  const Report first = run(c, w, Schedule::kOverlap);
  run(c, zoo_workload("resnet18"), Schedule::kSequential);  // another job in between
  EXPECT_EQ(without_wall_time(first), without_wall_time(run(c, w, Schedule::kOverlap)));
}

// While the SFU computes the softmax of one head, the PE array works on the next head's QK^T:
// part of the SFU time is hidden. In sequential every SFU cycle is exposed.
TEST(Schedule, OverlapHidesSoftmaxUnderAttentionMatmuls) {
  const AcceleratorConfig c = test::shipped("mobile");
  const Workload w = zoo_workload("bert-base", {1, 512});
  const Report seq = run(c, w, Schedule::kSequential);
  const Report ov = run(c, w, Schedule::kOverlap);
  EXPECT_EQ(seq.exposed_sfu_cycles, seq.sfu_cycles);
  EXPECT_LT(ov.exposed_sfu_cycles, seq.sfu_cycles * 95 / 100);
  EXPECT_LT(ov.cycles, seq.cycles);
  for (const auto& l : ov.layers) {
    if (l.op == "softmax") {
      EXPECT_LT(l.exposed_sfu_cycles, l.sfu_cycles) << l.name;
    }
  }
}

// The trace shows the concurrency: on each unit's track the slices follow one another, and PE
// array and SFU slices overlap in time (Perfetto draws them side by side on their tracks).
TEST(Schedule, TraceShowsTheUnitsWorkingAtOnce) {
  AcceleratorConfig c = test::shipped("mobile");
  c.schedule = Schedule::kOverlap;
  SimOptions o;
  o.trace = true;
  const Report r = simulate(c, zoo_workload("bert-base", {1, 128}), o);
  std::vector<std::vector<std::pair<int64_t, int64_t>>> tracks(5);
  for (const TraceEvent& e : r.trace)
    tracks[static_cast<std::size_t>(e.track)].push_back({e.start_cycle, e.start_cycle + e.cycles});
  for (int t : {kTracePe, kTraceSfu, kTraceDmaIn, kTraceDmaOut}) {
    auto& slices = tracks[static_cast<std::size_t>(t)];
    ASSERT_FALSE(slices.empty()) << kTraceTracks[t];
    std::sort(slices.begin(), slices.end());
    for (std::size_t i = 1; i < slices.size(); ++i)
      ASSERT_GE(slices[i].first, slices[i - 1].second) << kTraceTracks[t];
  }
  // Cycles in which both compute tracks have a slice: a sweep over the two sorted lists.
  const auto& pe = tracks[kTracePe];
  const auto& sfu = tracks[kTraceSfu];
  int64_t together = 0;
  std::size_t i = 0, j = 0;
  while (i < pe.size() && j < sfu.size()) {
    together += std::max<int64_t>(
        0, std::min(pe[i].second, sfu[j].second) - std::max(pe[i].first, sfu[j].first));
    (pe[i].second < sfu[j].second ? i : j)++;
  }
  EXPECT_GT(together, 0);
  EXPECT_EQ(together, r.sfu_cycles - r.exposed_sfu_cycles);
}

// Dependencies pass through views one step per layer: 300 concats of a tensor with itself (a
// chain of diamonds, 2^300 paths) are planned and simulated at once.
TEST(Schedule, ChainsOfViewsCostOneStepPerLayer) {
  Json layers = Json::array();
  layers.push_back({{"name", "r"}, {"op", "relu"}, {"inputs", {"x"}}});
  std::string last = "r";
  for (int i = 0; i < 300; ++i) {
    const std::string name = "c" + std::to_string(i);
    layers.push_back({{"name", name}, {"op", "concat"}, {"axis", 0}, {"inputs", {last, last}}});
    const std::string half = "s" + std::to_string(i);
    layers.push_back({{"name", half},
                      {"op", "slice"},
                      {"axis", 0},
                      {"start", 0},
                      {"end", 1},
                      {"inputs", {name}}});
    last = half;
  }
  layers.push_back({{"name", "out"}, {"op", "gelu"}, {"inputs", {last}}});
  const Json root = {{"name", "views"}, {"inputs", {{"x", {1, 64}}}}, {"layers", layers}};
  const Workload w = workload_from_json(root, "views.json", "views");
  const Report r = run(test::shipped("mobile"), w, Schedule::kOverlap);
  EXPECT_EQ(r.layers.size(), 602u);
  EXPECT_GT(r.sfu_cycles, 0);
}

TEST(Schedule, ConfigKeyAndReport) {
  const AcceleratorConfig mobile = test::shipped("mobile");
  EXPECT_EQ(mobile.schedule, Schedule::kOverlap);  // the default since duet-sim-2
  Json j = accelerator_config_to_json(mobile);
  j["schedule"] = "sequential";
  EXPECT_EQ(accelerator_config_from_json(j, "x.json").schedule, Schedule::kSequential);
  j.erase("schedule");
  EXPECT_EQ(accelerator_config_from_json(j, "x.json").schedule, Schedule::kOverlap);
  j["schedule"] = "eager";
  EXPECT_THROW(accelerator_config_from_json(j, "x.json"), InputError);
  const Report r = run(mobile, zoo_workload("resnet18"), Schedule::kOverlap);
  EXPECT_EQ(r.schedule, "overlap");
}

// --ideal-memory keeps the SCALE-Sim cross-checks sequential, unless --schedule says otherwise.
TEST(Schedule, IdealMemoryImpliesSequential) {
  SimRequest request;
  request.arch = "mobile";
  request.workload = "resnet18";
  EXPECT_EQ(request_accelerator(request).schedule, Schedule::kOverlap);
  request.options.ideal_memory = true;
  EXPECT_EQ(request_accelerator(request).schedule, Schedule::kSequential);
  request.schedule = "overlap";
  EXPECT_EQ(request_accelerator(request).schedule, Schedule::kOverlap);
}

}  // namespace
}  // namespace duet
