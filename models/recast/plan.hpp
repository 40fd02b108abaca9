#pragma once
// Recasting plans (configs/recast/*.json, docs/recasting.md): for each teacher block, the
// block type and width multiplier of the student block that replaces it.
#include <string>
#include <vector>

#include "models/recast/spec.hpp"

namespace duet::recast {

struct BlockTarget {
  BlockKind kind = BlockKind::kPlain;
  double width = 1.0;  // multiplier of the teacher block's output channels
};

struct RecastPlan {
  std::string name;
  std::string source;                // the file, for messages
  std::vector<BlockTarget> targets;  // one per teacher block
};

// Reads and validates `path` against the teacher: unknown keys or block types, widths <= 0,
// overlapping ranges, and plans that leave a teacher block uncovered throw InputError naming
// the file, the field and the allowed values.
RecastPlan load_plan(const std::string& path, const NetworkSpec& teacher);
RecastPlan parse_plan(const Json& j, const std::string& path, const NetworkSpec& teacher);

// The student the plan makes of `teacher`: same stem and head, each block replaced by its
// target with round(width x teacher channels) output channels.
NetworkSpec student_spec(const NetworkSpec& teacher, const RecastPlan& plan);

}  // namespace duet::recast
