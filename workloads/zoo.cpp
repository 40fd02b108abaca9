#include "workloads/zoo.hpp"

#include <utility>

#include "workloads/input_error.hpp"

namespace duet {

// Defined in zoo_cnn.cpp and zoo_transformer.cpp. Declared here rather than in a header because
// only this file dispatches to them.
Workload build_resnet18(int64_t batch);
Workload build_resnet50(int64_t batch);
Workload build_mobilenet_v2(int64_t batch);
Workload build_vgg16(int64_t batch);
Workload build_alexnet(int64_t batch);
Workload build_bert_base(int64_t batch, int64_t seq_len);
Workload build_bert_large(int64_t batch, int64_t seq_len);
Workload build_vit_b16(int64_t batch);

namespace {

using Builder = Workload (*)(const ZooOptions&);

const std::vector<std::pair<std::string, Builder>>& zoo_table() {
  static const std::vector<std::pair<std::string, Builder>> table = {
      {"resnet18", [](const ZooOptions& o) { return build_resnet18(o.batch); }},
      {"resnet50", [](const ZooOptions& o) { return build_resnet50(o.batch); }},
      {"mobilenet_v2", [](const ZooOptions& o) { return build_mobilenet_v2(o.batch); }},
      {"vgg16", [](const ZooOptions& o) { return build_vgg16(o.batch); }},
      {"alexnet", [](const ZooOptions& o) { return build_alexnet(o.batch); }},
      {"bert-base", [](const ZooOptions& o) { return build_bert_base(o.batch, o.seq_len); }},
      {"bert-large", [](const ZooOptions& o) { return build_bert_large(o.batch, o.seq_len); }},
      {"vit-b16", [](const ZooOptions& o) { return build_vit_b16(o.batch); }},
  };
  return table;
}

void require_positive(int64_t value, const char* option) {
  if (value < 1) {
    throw InputError(std::string(option) + " must be >= 1, got " + std::to_string(value));
  }
}

}  // namespace

std::vector<std::string> zoo_names() {
  std::vector<std::string> names;
  for (const auto& entry : zoo_table()) names.push_back(entry.first);
  return names;
}

bool is_zoo_name(const std::string& name) {
  for (const auto& entry : zoo_table()) {
    if (entry.first == name) return true;
  }
  return false;
}

Workload zoo_workload(const std::string& name, const ZooOptions& options) {
  for (const auto& [entry_name, build] : zoo_table()) {
    if (entry_name != name) continue;
    require_positive(options.batch, "--batch");
    require_positive(options.seq_len, "--seq-len");
    return build(options);
  }
  std::string list;
  for (const auto& n : zoo_names()) list += (list.empty() ? "" : ", ") + n;
  throw InputError("unknown workload \"" + name + "\" (zoo names: " + list + ")");
}

}  // namespace duet
