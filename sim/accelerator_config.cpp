#include "sim/accelerator_config.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "sim/hardware_dimensions.hpp"
#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/json_reader.hpp"

#ifndef DUET_SOURCE_DIR
#define DUET_SOURCE_DIR "."
#endif

namespace duet {
namespace {

const std::vector<std::string> kDataTypes = {"int8", "int16", "int32", "fp16", "bf16", "fp32"};

DataType parse_data_type(const std::string& s) {
  for (std::size_t i = 0; i < kDataTypes.size(); ++i) {
    if (kDataTypes[i] == s) return static_cast<DataType>(i);
  }
  return DataType::kInt8;  // unreachable: ObjectReader::choice validated s
}

Dataflow parse_dataflow(const std::string& s) {
  if (s == "os") return Dataflow::kOutputStationary;
  if (s == "is") return Dataflow::kInputStationary;
  return Dataflow::kWeightStationary;
}

// Ranges of the searchable fields come from the hardware-dimension table.
int64_t low(const char* dimension) {
  return static_cast<int64_t>(hardware_dimension_spec(dimension).min);
}
int64_t high(const char* dimension) {
  return static_cast<int64_t>(hardware_dimension_spec(dimension).max);
}
const std::vector<std::string>& allowed(const char* dimension) {
  return hardware_dimension_spec(dimension).allowed;
}

}  // namespace

const char* dataflow_name(Dataflow d) {
  switch (d) {
    case Dataflow::kWeightStationary:
      return "ws";
    case Dataflow::kOutputStationary:
      return "os";
    case Dataflow::kInputStationary:
      return "is";
  }
  return "?";
}

const char* data_type_name(DataType t) { return kDataTypes[static_cast<int>(t)].c_str(); }

int data_type_bytes(DataType t) {
  switch (t) {
    case DataType::kInt8:
      return 1;
    case DataType::kInt16:
    case DataType::kFp16:
    case DataType::kBf16:
      return 2;
    case DataType::kInt32:
    case DataType::kFp32:
      return 4;
  }
  return 1;
}

const char* sfu_kind_name(SfuKind k) {
  switch (k) {
    case SfuKind::kExact:
      return "exact";
    case SfuKind::kNnlut:
      return "nnlut";
    case SfuKind::kIbert:
      return "ibert";
  }
  return "?";
}

const char* schedule_name(Schedule s) { return s == Schedule::kOverlap ? "overlap" : "sequential"; }

Schedule parse_schedule(const std::string& name, const std::string& where) {
  for (Schedule s : {Schedule::kSequential, Schedule::kOverlap}) {
    if (name == schedule_name(s)) return s;
  }
  throw InputError(where + ": unknown schedule \"" + name + "\" (allowed: sequential, overlap)");
}

SfuKind parse_sfu_kind(const std::string& name, const std::string& where) {
  for (SfuKind k : {SfuKind::kExact, SfuKind::kNnlut, SfuKind::kIbert}) {
    if (name == sfu_kind_name(k)) return k;
  }
  throw InputError(where + ": invalid value \"" + name + "\" (allowed: exact, nnlut, ibert)");
}

int64_t AcceleratorConfig::dram_latency_cycles() const {
  return static_cast<int64_t>(std::ceil(dram_latency_ns * clock_ghz - 1e-9));
}

AcceleratorConfig load_accelerator_config(const std::string& path) {
  return accelerator_config_from_json(read_json_file(path), path);
}

AcceleratorConfig accelerator_config_from_json(const Json& root, const std::string& path) {
  ObjectReader top(root, path);
  AcceleratorConfig c;
  c.source = path;
  c.name = top.string("name");
  if (c.name.empty()) top.fail("name", "must not be empty");
  c.clock_ghz = top.number("clock_ghz", 0.01, 10.0);
  c.technology_nm = static_cast<int>(top.integer("technology_nm", 3, 180));

  ObjectReader types = top.object("data_types");
  c.weight_type = parse_data_type(types.choice("weight", kDataTypes));
  c.activation_type = parse_data_type(types.choice("activation", kDataTypes));
  c.accumulator_type = parse_data_type(types.choice("accumulator", kDataTypes));
  types.reject_unknown_keys();

  ObjectReader pe = top.object("pe_array");
  c.pe_rows = pe.integer("rows", low("pe_rows"), high("pe_rows"));
  c.pe_cols = pe.integer("cols", low("pe_cols"), high("pe_cols"));
  c.dataflow = parse_dataflow(pe.choice("dataflow", allowed("dataflow")));
  c.register_file_bytes = pe.integer_or("register_file_bytes", 64, low("register_file_bytes"),
                                        high("register_file_bytes"));
  pe.reject_unknown_keys();

  ObjectReader gb = top.object("global_buffer");
  c.buffer_kib = gb.integer("size_kib", low("buffer_kib"), high("buffer_kib"));
  c.buffer_banks = gb.integer("banks", low("banks"), high("banks"));
  c.bank_width_bytes = gb.integer("bank_width_bytes", 1, 1024);
  c.double_buffered = gb.boolean_or("double_buffered", true);
  ObjectReader part = gb.object("partition");
  c.partition.ifmap = part.number("ifmap", 0.01, 0.98);
  c.partition.filter = part.number("filter", 0.01, 0.98);
  c.partition.ofmap = part.number("ofmap", 0.01, 0.98);
  part.reject_unknown_keys();
  double share_sum = c.partition.ifmap + c.partition.filter + c.partition.ofmap;
  if (std::abs(share_sum - 1.0) > 1e-6) {
    std::ostringstream msg;
    msg << "shares must sum to 1 (ifmap + filter + ofmap = " << share_sum << ")";
    part.fail("", msg.str());
  }
  gb.reject_unknown_keys();

  ObjectReader dram = top.object("dram");
  c.dram_kind = dram.choice_or("kind", "lpddr4", {"ddr3", "ddr4", "lpddr4", "hbm2"});
  c.dram_bandwidth_gbps =
      dram.number("bandwidth_gbps", hardware_dimension_spec("dram_bandwidth_gbps").min,
                  hardware_dimension_spec("dram_bandwidth_gbps").max);
  c.dram_latency_ns = dram.number("latency_ns", 0.0, 10000.0);
  dram.reject_unknown_keys();

  ObjectReader sfu = top.object("sfu");
  c.sfu_kind = parse_sfu_kind(sfu.choice("kind", allowed("sfu_kind")), "");
  c.sfu_lanes = sfu.integer("lanes", low("sfu_lanes"), high("sfu_lanes"));
  c.sfu_pipeline_depth = sfu.integer_or("pipeline_depth", 4, 1, 256);
  c.sfu_lut_entries = sfu.integer_or("lut_entries", 16, low("lut_entries"), high("lut_entries"));
  c.sfu_lut_precision =
      parse_data_type(sfu.choice_or("lut_precision", "int32", {"fp32", "fp16", "int32"}));
  sfu.reject_unknown_keys();

  c.schedule =
      parse_schedule(top.choice_or("schedule", "overlap", {"sequential", "overlap"}), path);
  top.string_or("description", "");
  top.reject_unknown_keys();
  return c;
}

Json accelerator_config_to_json(const AcceleratorConfig& c) {
  return {{"name", c.name},
          {"clock_ghz", c.clock_ghz},
          {"technology_nm", c.technology_nm},
          {"data_types",
           {{"weight", data_type_name(c.weight_type)},
            {"activation", data_type_name(c.activation_type)},
            {"accumulator", data_type_name(c.accumulator_type)}}},
          {"pe_array",
           {{"rows", c.pe_rows},
            {"cols", c.pe_cols},
            {"dataflow", dataflow_name(c.dataflow)},
            {"register_file_bytes", c.register_file_bytes}}},
          {"global_buffer",
           {{"size_kib", c.buffer_kib},
            {"banks", c.buffer_banks},
            {"bank_width_bytes", c.bank_width_bytes},
            {"partition",
             {{"ifmap", c.partition.ifmap},
              {"filter", c.partition.filter},
              {"ofmap", c.partition.ofmap}}},
            {"double_buffered", c.double_buffered}}},
          {"dram",
           {{"kind", c.dram_kind},
            {"bandwidth_gbps", c.dram_bandwidth_gbps},
            {"latency_ns", c.dram_latency_ns}}},
          {"sfu",
           {{"kind", sfu_kind_name(c.sfu_kind)},
            {"lanes", c.sfu_lanes},
            {"pipeline_depth", c.sfu_pipeline_depth},
            {"lut_entries", c.sfu_lut_entries},
            {"lut_precision", data_type_name(c.sfu_lut_precision)}}},
          {"schedule", schedule_name(c.schedule)}};
}

std::string configs_dir() {
  if (const char* home = std::getenv("DUET_HOME")) return std::string(home) + "/configs";
  return std::string(DUET_SOURCE_DIR) + "/configs";
}

AcceleratorConfig load_accelerator(const std::string& path_or_name) {
  namespace fs = std::filesystem;
  check_path_text(path_or_name, "accelerator");
  if (fs::exists(path_or_name)) {
    if (fs::path(path_or_name).extension() == ".cfg") return import_scalesim_cfg(path_or_name);
    return load_accelerator_config(path_or_name);
  }
  fs::path shipped = fs::path(configs_dir()) / "accel" / (path_or_name + ".json");
  if (path_or_name.find('/') == std::string::npos && fs::exists(shipped)) {
    return load_accelerator_config(shipped.string());
  }
  std::string names;
  if (fs::is_directory(fs::path(configs_dir()) / "accel")) {
    for (const auto& entry : fs::directory_iterator(fs::path(configs_dir()) / "accel")) {
      if (entry.path().extension() == ".json") {
        names += (names.empty() ? "" : ", ") + entry.path().stem().string();
      }
    }
  }
  throw InputError(path_or_name + ": cannot open file (does it exist?); shipped configs: " + names);
}

}  // namespace duet
