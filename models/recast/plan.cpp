#include "models/recast/plan.hpp"

#include <cmath>

#include "workloads/input_error.hpp"

namespace duet::recast {
namespace {

std::string range_text(int64_t first, int64_t last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
}

// Lists uncovered indexes as compact ranges ("3-5, 8").
std::string uncovered_text(const std::vector<int>& owner) {
  std::string out;
  for (std::size_t i = 0; i < owner.size(); ++i) {
    if (owner[i] >= 0 || (i > 0 && owner[i - 1] < 0)) continue;
    std::size_t j = i;
    while (j + 1 < owner.size() && owner[j + 1] < 0) ++j;
    out += (out.empty() ? "" : ", ") + range_text(static_cast<int64_t>(i), static_cast<int64_t>(j));
  }
  return out;
}

}  // namespace

RecastPlan parse_plan(const Json& j, const std::string& path, const NetworkSpec& teacher) {
  ObjectReader top(j, path);
  RecastPlan plan;
  plan.source = path;
  plan.name = top.string("name");
  top.string_or("description", "");
  const Json& rules = top.raw("blocks");
  if (!rules.is_array() || rules.empty()) {
    top.fail("blocks",
             "expected a non-empty list of {\"range\": [first, last], \"type\", \"width\"}");
  }
  const int64_t n = static_cast<int64_t>(teacher.blocks.size());
  std::vector<int> owner(teacher.blocks.size(), -1);
  plan.targets.resize(teacher.blocks.size());
  for (std::size_t r = 0; r < rules.size(); ++r) {
    ObjectReader rule(rules[r], path + ": blocks[" + std::to_string(r) + "]");
    const auto range = rule.integer_list("range", 0, 1 << 20);
    if (range.size() != 2 || range[0] > range[1]) {
      rule.fail("range", "expected [first, last] teacher block indexes with first <= last");
    }
    if (range[1] >= n) {
      rule.fail("range", "block " + std::to_string(range[1]) + " does not exist: teacher " +
                             teacher.name + " has " + std::to_string(n) + " blocks (0-" +
                             std::to_string(n - 1) + ")");
    }
    BlockTarget target;
    target.kind = parse_block_kind(rule.string("type"), rule.where() + ".type");
    target.width = rule.number_or("width", 1.0, -1e9, 1e9);
    if (!(target.width > 0) || target.width > 8) {
      rule.fail("width",
                "must be in (0, 8] (a multiplier of the teacher block's channels, e.g. "
                "0.5 or 1), got " +
                    Json(target.width).dump());
    }
    if (rule.has("from")) {
      const BlockKind from = parse_block_kind(rule.string("from"), rule.where() + ".from");
      for (int64_t i = range[0]; i <= range[1]; ++i) {
        if (teacher.blocks[i].kind != from) {
          rule.fail("from", std::string("the plan recasts \"") + block_kind_name(from) +
                                "\" blocks, but block " + std::to_string(i) + " of teacher " +
                                teacher.name + " is \"" + block_kind_name(teacher.blocks[i].kind) +
                                "\"");
        }
      }
    }
    rule.reject_unknown_keys();
    for (int64_t i = range[0]; i <= range[1]; ++i) {
      if (owner[i] >= 0) {
        rule.fail("range", "block " + std::to_string(i) + " is already covered by blocks[" +
                               std::to_string(owner[i]) + "]");
      }
      owner[i] = static_cast<int>(r);
      plan.targets[i] = target;
      const int64_t channels = teacher.blocks[i].out_channels;
      if (std::llround(target.width * static_cast<double>(channels)) < 1)
        rule.fail("width", "width " + Json(target.width).dump() + " leaves block " +
                               std::to_string(i) + " (" + std::to_string(channels) +
                               " channels in the teacher) without a channel; the smallest is " +
                               Json(0.5 / static_cast<double>(channels)).dump());
    }
  }
  top.reject_unknown_keys();
  const std::string missing = uncovered_text(owner);
  if (!missing.empty()) {
    throw InputError(path + ": blocks: the plan does not cover teacher block(s) " + missing +
                     "; teacher " + teacher.name + " has " + std::to_string(n) + " blocks (0-" +
                     std::to_string(n - 1) + "), and every one needs a target");
  }
  return plan;
}

RecastPlan load_plan(const std::string& path, const NetworkSpec& teacher) {
  return parse_plan(read_json_file(path), path, teacher);
}

NetworkSpec student_spec(const NetworkSpec& teacher, const RecastPlan& plan) {
  NetworkSpec s = teacher;
  s.name = teacher.name + "-" + plan.name;
  int64_t channels = teacher.stem_channels;
  for (std::size_t i = 0; i < s.blocks.size(); ++i) {
    BlockSpec& b = s.blocks[i];
    b.kind = plan.targets[i].kind;
    b.in_channels = channels;
    b.out_channels = std::max<int64_t>(
        1,
        std::llround(plan.targets[i].width * static_cast<double>(teacher.blocks[i].out_channels)));
    channels = b.out_channels;
  }
  return s;
}

}  // namespace duet::recast
