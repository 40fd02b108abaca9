#pragma once
// The three SFU kinds as hardware: per function, how fast one lane evaluates it and what
// arithmetic it spends; per lane, what it is built from. The mapper takes the timing, the cost
// model the arithmetic and the build (docs/sfu.md gives the sources).
#include <cstdint>

#include "sim/accelerator_config.hpp"

namespace duet {

enum class SfuFunction { kExp, kReciprocal, kRsqrt, kGelu, kSilu };

struct FunctionTiming {
  int64_t initiation_interval = 1;  // cycles between elements on one lane
  int64_t latency = 1;              // cycles from first input to first output
};

// Arithmetic at the unit's datapath type.
struct ArithmeticCount {
  double mult = 0;
  double add = 0;  // adders, subtractors and comparators
};

class SfuUnit {
 public:
  SfuUnit(SfuKind kind, const AcceleratorConfig& config);

  SfuKind kind() const { return kind_; }
  DataType datapath() const { return datapath_; }
  FunctionTiming alu_timing() const { return {1, depth_}; }
  FunctionTiming timing(SfuFunction f) const;
  ArithmeticCount work(SfuFunction f) const;  // per evaluation
  ArithmeticCount lane_build() const;         // arithmetic units per lane
  double table_storage_bits() const;          // NN-LUT table registers, shared by the lanes

 private:
  SfuKind kind_;
  DataType datapath_;
  int64_t depth_;
  int64_t entries_;
};

}  // namespace duet
