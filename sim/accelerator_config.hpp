#pragma once
// The accelerator description: one JSON schema (docs/config-format.md), validated strictly.
#include <cstdint>
#include <string>

#include "workloads/json_reader.hpp"

namespace duet {

enum class Dataflow { kWeightStationary, kOutputStationary, kInputStationary };
enum class DataType { kInt8, kInt16, kInt32, kFp16, kBf16, kFp32 };
enum class SfuKind { kExact, kNnlut, kIbert };
// How the controller orders tiles (docs/architecture.md, "Schedules"): layers strictly one after
// another, or (the default) tiles of a window of layers as soon as their inputs are stored.
enum class Schedule { kSequential, kOverlap };

const char* dataflow_name(Dataflow d);
const char* data_type_name(DataType t);
int data_type_bytes(DataType t);
const char* sfu_kind_name(SfuKind k);
// Throws InputError listing exact, nnlut, ibert.
SfuKind parse_sfu_kind(const std::string& name, const std::string& where);
const char* schedule_name(Schedule s);
// Throws InputError naming `where` and listing sequential, overlap.
Schedule parse_schedule(const std::string& name, const std::string& where);

struct BufferPartition {
  double ifmap = 0.4;
  double filter = 0.4;
  double ofmap = 0.2;
};

struct AcceleratorConfig {
  std::string name;
  std::string source;  // file it was loaded from, for error messages
  double clock_ghz = 1.0;
  int technology_nm = 28;

  DataType weight_type = DataType::kInt8;
  DataType activation_type = DataType::kInt8;
  DataType accumulator_type = DataType::kInt32;

  int64_t pe_rows = 32;
  int64_t pe_cols = 32;
  Dataflow dataflow = Dataflow::kWeightStationary;
  int64_t register_file_bytes = 64;  // per PE; used by the cost model

  int64_t buffer_kib = 512;
  int64_t buffer_banks = 16;
  int64_t bank_width_bytes = 16;
  BufferPartition partition;
  bool double_buffered = true;

  std::string dram_kind = "lpddr4";
  double dram_bandwidth_gbps = 25.6;  // GB/s (10^9 bytes per second)
  double dram_latency_ns = 100.0;

  SfuKind sfu_kind = SfuKind::kExact;
  int64_t sfu_lanes = 16;
  int64_t sfu_pipeline_depth = 4;
  int64_t sfu_lut_entries = 16;                   // nnlut: table entries (comparators + 1)
  DataType sfu_lut_precision = DataType::kInt32;  // nnlut: datapath precision

  Schedule schedule = Schedule::kOverlap;

  int64_t buffer_bytes() const { return buffer_kib * 1024; }
  int64_t partition_bytes(double share) const {
    return static_cast<int64_t>(share * static_cast<double>(buffer_bytes()));
  }
  double dram_bytes_per_cycle() const { return dram_bandwidth_gbps / clock_ghz; }
  int64_t dram_latency_cycles() const;
  // Bytes the banked buffer moves per cycle, all banks together.
  int64_t buffer_bytes_per_cycle() const { return buffer_banks * bank_width_bytes; }
};

// Loads and validates a config file. Every error names the file and the field path.
AcceleratorConfig load_accelerator_config(const std::string& path);
// The same from a parsed JSON object; errors name `source`.
AcceleratorConfig accelerator_config_from_json(const Json& root, const std::string& source);
// The config as docs/config-format.md writes it: load_accelerator_config reads it back equal.
Json accelerator_config_to_json(const AcceleratorConfig& config);
// Resolves `--arch`: a path, or the name of a shipped config under configs/accel/.
AcceleratorConfig load_accelerator(const std::string& path_or_name);
// Imports a SCALE-Sim v2 .cfg (array, SRAM sizes, dataflow, bandwidth).
AcceleratorConfig import_scalesim_cfg(const std::string& path);

// Directory holding shipped configs (configs/), found next to the source tree or via DUET_HOME.
std::string configs_dir();

}  // namespace duet
