// simulate_designs: many designs of a space at once, in worker processes, with the same numbers
// as simulating each alone, and designs that cannot run reported as results.
#include <gtest/gtest.h>

#include "sim/dse/design_batch.hpp"
#include "sim/dse/sampled_hardware.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"

namespace duet {
namespace {

TEST(DesignBatch, WorkersGiveTheNumbersOfSimulatingEachDesignAlone) {
  const SearchSpace space = load_search_space(test::tiny_explore_space());
  std::vector<Sample> designs;
  for (int i = 0; i < 9; ++i) designs.push_back(draw_sample(space, 5, i));
  const auto one = simulate_designs(space, designs, 1);
  const auto three = simulate_designs(space, designs, 3);
  ASSERT_EQ(one.size(), designs.size());
  ASSERT_EQ(three.size(), designs.size());
  const AcceleratorConfig base = load_accelerator(space.base_config);
  for (std::size_t i = 0; i < designs.size(); ++i) {
    EXPECT_EQ(one[i].row, three[i].row) << i;
    try {
      const Report r = simulate(sampled_accelerator(base, space, designs[i]),
                                sample_workload(space, designs[i]));
      ASSERT_TRUE(three[i].ok) << three[i].error;
      EXPECT_DOUBLE_EQ(three[i].latency_s, r.latency_s);
      EXPECT_DOUBLE_EQ(three[i].energy_j, r.energy_j);
      EXPECT_DOUBLE_EQ(three[i].area_mm2, r.area_mm2);
      EXPECT_DOUBLE_EQ(three[i].avg_power_w, r.avg_power_w);
    } catch (const InputError& e) {
      EXPECT_FALSE(three[i].ok);
      EXPECT_EQ(three[i].error, e.what());
    }
  }
  EXPECT_TRUE(simulate_designs(space, {}, 2).empty());
  EXPECT_THROW(simulate_designs(space, designs, 0), InputError);
}

}  // namespace
}  // namespace duet
