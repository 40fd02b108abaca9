#pragma once
// Search spaces for dataset generation and co-exploration (docs/space-format.md): hardware
// dimensions, each a list of values, and a network family with per-block choices. A sample is
// one index into every list; sample i is the same for a given seed whoever draws it.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/accelerator_config.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/workload.hpp"

namespace duet {

// One hardware dimension: `name` is one of hardware_dimension_names()
// (sim/hardware_dimensions.hpp); `values` are JSON scalars (numbers, or strings for dataflow
// and sfu_kind).
struct HardwareDimension {
  std::string name;
  std::vector<Json> values;
};

// One searchable block and the options it may take (e.g. "k3_e3", "k5_e6", "skip").
struct BlockSpace {
  std::string name;
  std::vector<std::string> options;
};

struct NetworkFamily {
  std::string kind;  // "mbconv" or "vit"
  Json definition;   // the family's fixed part (input size, stage widths and strides, ...)
  std::vector<BlockSpace> blocks;
};

struct SearchSpace {
  std::string path;
  std::string name;
  std::string base_config;  // accelerator config the hardware dimensions override
  std::string schedule;     // sequential or overlap; "" keeps the base config's
  std::vector<HardwareDimension> hardware;
  NetworkFamily network;
};

struct Sample {
  int64_t index = 0;
  std::vector<int> hardware;  // chosen value index per hardware dimension
  std::vector<int> blocks;    // chosen option index per block
};

// Throws InputError naming the file and key: unknown keys, empty lists, bad values.
SearchSpace load_search_space(const std::string& path);
// The base config with the space's schedule; errors name the space's base_config.
AcceleratorConfig space_base_config(const SearchSpace& space);
// Deterministic in (seed, index) alone.
Sample draw_sample(const SearchSpace& space, uint64_t seed, int64_t index);
// The sample's network as a workload (through the same IR as the zoo).
Workload sample_workload(const SearchSpace& space, const Sample& sample);
// What the space's networks are made of beyond the block option names: the family's fixed part
// (mbconv, vit) or each named workload's zoo name or file hash (fixed). Two spaces whose
// identities differ build different workloads for the same sample.
Json network_identity(const SearchSpace& space);

}  // namespace duet
