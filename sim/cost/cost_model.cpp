#include "sim/cost/cost_model.hpp"

#include <algorithm>

#include "sim/sfu_unit.hpp"

namespace duet {
namespace {

constexpr double kPj = 1e-12;
constexpr double kUm2PerMm2 = 1e6;

// The wider of two types prices a MAC whose operands differ.
DataType wider(DataType a, DataType b) { return data_type_bytes(a) >= data_type_bytes(b) ? a : b; }

}  // namespace

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
  pe_array += o.pe_array;
  register_file += o.register_file;
  global_buffer += o.global_buffer;
  dram += o.dram;
  sfu += o.sfu;
  dma += o.dma;
  leakage += o.leakage;
  mac += o.mac;
  pe_to_pe += o.pe_to_pe;
  return *this;
}

std::vector<std::pair<std::string, double>> EnergyBreakdown::components() const {
  return {{"pe_array", pe_array},
          {"register_file", register_file},
          {"global_buffer", global_buffer},
          {"dram", dram},
          {"sfu", sfu},
          {"dma", dma},
          {"leakage", leakage}};
}

std::vector<std::pair<std::string, double>> AreaBreakdown::components() const {
  return {{"pe_array", pe_array},           {"register_file", register_file},
          {"global_buffer", global_buffer}, {"sfu", sfu},
          {"dma_control", dma_control},     {"interconnect", interconnect}};
}

std::string arithmetic_key(DataType type) {
  if (type == DataType::kBf16) return "fp16";
  return data_type_name(type);
}

CostModel::CostModel(const AcceleratorConfig& config, TechTable tech)
    : config_(config), tech_(std::move(tech)) {
  const std::string op = arithmetic_key(wider(config.weight_type, config.activation_type));
  const std::string acc = arithmetic_key(config.accumulator_type);
  mac_pj_ = tech_.energy(op + "_mult") + tech_.energy(op + "_add");
  mac_type_ = op;

  const double pes = static_cast<double>(config.pe_rows * config.pe_cols);
  // A PE multiplies at the operand type and accumulates at the accumulator type.
  area_.pe_array =
      pes * (tech_.area(op + "_mult") + tech_.area(acc + "_add") + tech_.area("pe_control")) /
      kUm2PerMm2;
  area_.register_file =
      pes * config.register_file_bytes * tech_.area("register_file_per_byte") / kUm2PerMm2;
  const double bank_bits = static_cast<double>(config.buffer_bytes()) * 8 / config.buffer_banks;
  area_.buffer_banks.assign(config.buffer_banks,
                            bank_bits * tech_.sram_area_um2_per_bit / kUm2PerMm2);
  area_.global_buffer = bank_bits * config.buffer_banks * tech_.sram_area_um2_per_bit / kUm2PerMm2;
  // The configured SFU kind's lanes (sim/sfu_unit.hpp). An NN-LUT's table registers are shared
  // by all lanes (one op runs at a time, and its table is broadcast), at register-file area.
  const SfuUnit unit(config.sfu_kind, config);
  const std::string dp = arithmetic_key(unit.datapath());
  const ArithmeticCount build = unit.lane_build();
  area_.sfu = (config.sfu_lanes *
                   (build.mult * tech_.area(dp + "_mult") + build.add * tech_.area(dp + "_add")) +
               unit.table_storage_bits() / 8 * tech_.area("register_file_per_byte")) /
              kUm2PerMm2;
  const double core = area_.pe_array + area_.register_file + area_.global_buffer + area_.sfu;
  area_.dma_control = core * tech_.dma_control_area_fraction;
  area_.interconnect = core * tech_.interconnect_area_fraction;

  pe_to_pe_pj_ = tech_.energy("pe_to_pe_per_byte");
  register_file_pj_ = tech_.energy("register_file_access_per_byte");
  const double bank_kib = static_cast<double>(config.buffer_kib) / config.buffer_banks;
  buffer_read_pj_ = tech_.sram_access_pj(bank_kib, 8.0 * config.bank_width_bytes);
  buffer_write_pj_ = buffer_read_pj_ * tech_.sram_write_to_read_ratio;
  dram_byte_pj_ = 8 * tech_.dram_pj_per_bit.at(config.dram_kind);
  dma_byte_pj_ = tech_.energy("dma_per_byte");
  for (SfuKind kind : {SfuKind::kExact, SfuKind::kNnlut, SfuKind::kIbert}) {
    const SfuUnit u(kind, config);
    const std::string type = arithmetic_key(u.datapath());
    SfuPrices& p = sfu_prices_[static_cast<int>(kind)];
    p.add = tech_.energy(type + "_add");
    p.mult = tech_.energy(type + "_mult");
    for (SfuFunction f : {SfuFunction::kExp, SfuFunction::kReciprocal, SfuFunction::kRsqrt,
                          SfuFunction::kGelu, SfuFunction::kSilu}) {
      const ArithmeticCount w = u.work(f);
      p.function[static_cast<int>(f)] = w.mult * p.mult + w.add * p.add;
    }
  }
}

double CostModel::sfu_energy_pj(const SfuOps& s) const {
  const SfuPrices& p = sfu_prices_[static_cast<int>(s.kind)];
  auto f = [&](SfuFunction fn) { return p.function[static_cast<int>(fn)]; };
  return (s.compare + s.add) * p.add + s.mul * p.mult + s.exp * f(SfuFunction::kExp) +
         s.reciprocal * f(SfuFunction::kReciprocal) + s.rsqrt * f(SfuFunction::kRsqrt) +
         s.gelu * f(SfuFunction::kGelu) + s.silu * f(SfuFunction::kSilu);
}

double CostModel::buffer_access_pj(bool write) const {
  return write ? buffer_write_pj_ : buffer_read_pj_;
}

EnergyBreakdown CostModel::compute_energy(const ComputeActivity& work,
                                          const PerOperand& buffer_reads,
                                          const PerOperand& buffer_writes) const {
  EnergyBreakdown e;
  e.mac = work.macs * mac_pj_ * kPj;
  e.pe_to_pe = work.pe_transfer_bytes * pe_to_pe_pj_ * kPj;
  e.pe_array = e.mac + e.pe_to_pe;
  e.register_file = (work.rf_read_bytes + work.rf_write_bytes) * register_file_pj_ * kPj;
  double accesses_pj = 0;
  for (int o = 0; o < 3; ++o) {
    accesses_pj += buffer_reads[o] * buffer_read_pj_ + buffer_writes[o] * buffer_write_pj_;
  }
  e.global_buffer = accesses_pj * kPj;
  e.sfu = sfu_energy_pj(work.sfu) * kPj;
  return e;
}

EnergyBreakdown CostModel::transfer_energy(int64_t dram_read_bytes,
                                           int64_t dram_write_bytes) const {
  EnergyBreakdown e;
  const double bytes = static_cast<double>(dram_read_bytes + dram_write_bytes);
  e.dram = bytes * dram_byte_pj_ * kPj;
  e.dma = bytes * dma_byte_pj_ * kPj;
  return e;
}

double CostModel::leakage_j(double seconds) const {
  return area_.total() * tech_.leakage_w_per_mm2 * seconds;
}

}  // namespace duet
