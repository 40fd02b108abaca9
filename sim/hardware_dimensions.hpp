#pragma once
// The one table of searchable hardware dimensions: each one's name in a search space, the
// config field it sets, its kind and allowed range, and how to read and write it. The config
// loader takes its ranges from here, so every value a space may name makes a loadable config.
#include <string>
#include <vector>

#include "sim/accelerator_config.hpp"
#include "workloads/json_reader.hpp"

namespace duet {

struct HardwareDimensionSpec {
  const char* name;          // key in a space's "hardware" object and dataset column hw_<name>
  const char* config_field;  // where it lives in a config file
  enum Kind { kInteger, kNumber, kChoice } kind;
  double min, max;                   // numeric kinds
  std::vector<std::string> allowed;  // kChoice
  Json (*get)(const AcceleratorConfig&);
  void (*set)(AcceleratorConfig&, const Json&);  // the value must be valid for the kind
};

const std::vector<HardwareDimensionSpec>& hardware_dimension_table();
std::vector<std::string> hardware_dimension_names();
// Throws InputError listing the names for an unknown one.
const HardwareDimensionSpec& hardware_dimension_spec(const std::string& name);

}  // namespace duet
