// The cost model: table values read back through simulations, additivity, scaling across
// nodes, and sanity against real chips (REFERENCE.md).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/cost/cost_report.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/zoo.hpp"

namespace duet {
namespace {

const int kNodes[] = {65, 45, 28, 16, 7};  // largest first

AcceleratorConfig at_node(const std::string& arch, int node) {
  AcceleratorConfig c = test::shipped(arch);
  c.technology_nm = node;
  return c;
}

// At 45 nm an int8 MAC costs Horowitz's 8-bit multiply + add: 0.2 + 0.03 = 0.23 pJ.
TEST(CostModel, Int8MacAt45nmIsTheTablesMultPlusAdd) {
  const Workload w = test::single_gemm(64, 48, 40);
  Report r = simulate(at_node("mobile", 45), w);
  ASSERT_EQ(r.macs, 64 * 48 * 40);
  EXPECT_NEAR(r.energy.mac / r.macs, 0.23e-12, 1e-18);
  EXPECT_EQ(r.layers[0].work.macs, r.macs);  // counted by the PE array, tile by tile
}

TEST(CostModel, EnergyIsAdditive) {
  Report r = simulate(test::shipped("mobile"), zoo_workload("resnet18"));
  double layers = 0;
  for (const auto& l : r.layers) {
    layers += l.energy_j;
    double parts = 0;
    for (const auto& [name, joules] : l.energy.components()) parts += joules;
    EXPECT_NEAR(parts, l.energy_j, 1e-15) << l.name;
  }
  EXPECT_NEAR(layers, r.energy_j, 1e-12 * r.energy_j);
  double parts = 0;
  for (const auto& [name, joules] : r.energy.components()) parts += joules;
  EXPECT_NEAR(parts, r.energy_j, 1e-12 * r.energy_j);
  EXPECT_NEAR(r.energy.pe_array, r.energy.mac + r.energy.pe_to_pe, 1e-12 * r.energy_j);
  EXPECT_GT(r.energy.leakage, 0);
  EXPECT_NEAR(r.avg_power_w, r.energy_j / r.latency_s, 1e-9 * r.avg_power_w);
  EXPECT_NEAR(r.edp_js, r.energy_j * r.latency_s, 1e-9 * r.edp_js);
  EXPECT_GE(r.peak_power_w, r.avg_power_w);
}

// Halving the buffer makes the same layer move more DRAM bytes; DRAM energy follows linearly.
// Peak power is binned while the run goes: windows start one cycle long and double when the run
// outgrows kMaxWindows of them, and a merge keeps every joule.
TEST(PowerProfile, WindowsDoubleAndKeepTheEnergy) {
  const AcceleratorConfig config = test::shipped("mobile");
  const CostModel model = cost_model_for(config, "");
  Tile load;
  load.load_bytes[kIfmap] = 4096;
  Tile store;
  store.store_bytes = 512;
  PowerProfile profile(model);
  profile.add(PowerProfile::Activity::kLoad, load, 0, 10);
  ASSERT_EQ(profile.window_cycles(), 1);
  const double load_j = profile.busiest_window_j() * 10;  // spread evenly over its 10 cycles
  EXPECT_NEAR(load_j,
              model.transfer_energy(4096, 0).total() +
                  4096 * model.buffer_access_pj(true) / config.bank_width_bytes * 1e-12,
              1e-15);
  // Cycle 5000 needs windows of 8 cycles (5000 / 8 = 625 < 1024; 5000 / 4 = 1250 is too many).
  profile.add(PowerProfile::Activity::kStore, store, 5000, 1);
  EXPECT_EQ(profile.window_cycles(), 8);
  const double store_j = model.transfer_energy(0, 512).total() +
                         512 * model.buffer_access_pj(false) / config.bank_width_bytes * 1e-12;
  // The load's first 8 cycles share one window now.
  EXPECT_NEAR(profile.busiest_window_j(), std::max(0.8 * load_j, store_j), 1e-15);
  profile.add(PowerProfile::Activity::kLoad, load, 8 * PowerProfile::kMaxWindows, 1);
  EXPECT_EQ(profile.window_cycles(), 16);
}

TEST(CostModel, DramEnergyIsLinearInBytes) {
  const Workload w = test::single_gemm(1024, 512, 512);
  AcceleratorConfig big = test::shipped("mobile");
  AcceleratorConfig small = big;
  small.buffer_kib /= 2;
  Report a = simulate(big, w), b = simulate(small, w);
  const double bytes_a = a.dram_read_bytes + a.dram_write_bytes;
  const double bytes_b = b.dram_read_bytes + b.dram_write_bytes;
  EXPECT_GT(bytes_b, bytes_a);
  EXPECT_GT(b.energy.dram, a.energy.dram);
  EXPECT_NEAR(a.energy.dram / bytes_a, b.energy.dram / bytes_b, 1e-18);
  EXPECT_NEAR(a.energy.dram / bytes_a, 8 * 8.0e-12, 1e-18);  // LPDDR4, 8 pJ/bit
}

TEST(CostModel, SmallerNodesCostLessEnergyAndArea) {
  const Workload w = test::single_gemm(256, 256, 256);
  double previous_mac = INFINITY, previous_area = INFINITY, previous_energy = INFINITY;
  for (int node : kNodes) {
    Report r = simulate(at_node("mobile", node), w);
    const double mac = r.energy.mac / r.macs;
    const double on_chip = r.energy_j - r.energy.dram - r.energy.leakage;
    EXPECT_LT(mac, previous_mac) << node;
    EXPECT_LT(r.area_mm2, previous_area) << node;
    EXPECT_LT(on_chip, previous_energy) << node;
    previous_mac = mac;
    previous_area = r.area_mm2;
    previous_energy = on_chip;
  }
}

// Eyeriss v1 (JSSC 2017): 12.25 mm2 core at 65 nm; 278 mW on AlexNet's conv layers (batch 4).
TEST(CostModel, EyerissSanity) {
  const AcceleratorConfig c = test::shipped("eyeriss-like");
  ASSERT_EQ(c.technology_nm, 65);
  Report r = simulate(c, zoo_workload("alexnet", {4, 128}));
  EXPECT_GT(r.area_mm2, 12.25 / 2);
  EXPECT_LT(r.area_mm2, 12.25 * 2);
  double joules = 0, cycles = 0;
  for (const auto& l : r.layers) {
    if (l.op != "conv2d") continue;
    joules += l.energy_j - l.energy.dram;  // chip power: DRAM is off chip
    cycles += l.cycles;
  }
  const double watts = joules / (cycles / (c.clock_ghz * 1e9));
  EXPECT_GT(watts, 0.278 / 2);
  EXPECT_LT(watts, 0.278 * 2);
}

// TPU v1 (ISCA 2017): die at most 331 mm2 at 28 nm.
TEST(CostModel, TpuAreaSanity) {
  const AcceleratorConfig c = test::shipped("tpu-v1-like");
  const CostModel model = cost_model_for(c, "");
  EXPECT_GT(model.area().total(), 100.0);
  EXPECT_LT(model.area().total(), 331.0);
  double banks = 0;
  for (double b : model.area().buffer_banks) banks += b;
  EXPECT_NEAR(banks, model.area().global_buffer, 1e-9);
  EXPECT_EQ(model.area().buffer_banks.size(), static_cast<std::size_t>(c.buffer_banks));
}

TEST(CostModel, SfuWorkCostsSfuEnergy) {
  WorkloadBuilder b("sm");
  b.input("x", {1, 12, 64, 64});
  b.softmax("probs", "x");
  Report r = simulate(test::shipped("mobile"), b.finish());
  const auto& ops = r.layers[0].work.sfu;
  EXPECT_EQ(ops.exp, 12 * 64 * 64);
  EXPECT_EQ(ops.reciprocal, 12 * 64);
  EXPECT_EQ(ops.compare, 12 * 64 * 64);
  EXPECT_GT(r.energy.sfu, 0);
  EXPECT_EQ(r.energy.mac, 0);
  // More lanes: more SFU area, same SFU energy per op.
  AcceleratorConfig wide = test::shipped("mobile");
  wide.sfu_lanes *= 2;
  EXPECT_GT(cost_model_for(wide, "").area().sfu,
            cost_model_for(test::shipped("mobile"), "").area().sfu);
}

class BadTechTable : public ::testing::Test {
 protected:
  nlohmann::json table() {
    std::ifstream in(test::source_path("configs/tech/45nm.json"));
    return nlohmann::json::parse(in);
  }
  std::string error_for(const nlohmann::json& t) {
    const std::string path = dir_.file("bad.json", t.dump());
    auto r = test::run_duet("sim --workload resnet18 --tech " + path);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    return r.output;
  }
  test::TempDir dir_;
};

TEST_F(BadTechTable, MissingKeyNegativeValueUnknownUnit) {
  auto t = table();
  t["energy"].erase("int8_mult");
  std::string out = error_for(t);
  EXPECT_NE(out.find("energy.int8_mult: missing required field"), std::string::npos) << out;

  t = table();
  t["energy"]["int8_add"]["value"] = -0.03;
  out = error_for(t);
  EXPECT_NE(out.find("energy.int8_add.value"), std::string::npos) << out;
  EXPECT_NE(out.find("out of range"), std::string::npos) << out;

  t = table();
  t["area"]["int8_add"]["unit"] = "furlong2";
  out = error_for(t);
  EXPECT_NE(out.find("area.int8_add.unit"), std::string::npos) << out;
  EXPECT_NE(out.find("mm2, um2"), std::string::npos) << out;
}

TEST_F(BadTechTable, UnitsAreConverted) {
  auto t = table();
  t["energy"]["int8_mult"] = {{"value", 200}, {"unit", "fJ"}, {"source", "test"}};
  const std::string path = dir_.file("fj.json", t.dump());
  SimOptions o;
  o.tech_path = path;
  Report r = simulate(at_node("mobile", 45), test::single_gemm(32, 32, 32), o);
  EXPECT_NEAR(r.energy.mac / r.macs, 0.23e-12, 1e-18);
}

TEST(CostModel, UnknownNodeListsAvailableTables) {
  AcceleratorConfig c = test::shipped("mobile");
  c.technology_nm = 22;
  try {
    simulate(c, test::single_gemm(8, 8, 8));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("technology_nm 22"), std::string::npos) << what;
    EXPECT_NE(what.find("65, 45, 28, 16, 7"), std::string::npos) << what;
    EXPECT_NE(what.find("mobile.json"), std::string::npos) << what;
  }
}

TEST(CostModel, AreaCommandPrintsTheBreakdown) {
  test::TempDir dir;
  auto r = test::run_duet("area --arch tpu-v1-like --out " + dir.path("area.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* part : {"global_buffer", "pe_array", "register_file", "sfu", "interconnect"}) {
    EXPECT_NE(r.output.find(part), std::string::npos) << part;
  }
  std::ifstream in(dir.path("area.json"));
  auto j = nlohmann::json::parse(in);
  EXPECT_GT(j["area_mm2"].get<double>(), 100.0);
}

}  // namespace
}  // namespace duet
