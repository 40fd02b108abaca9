#pragma once
// Shipped networks, loadable by name. MAC counts match the published figures in
// ../shared/REFERENCE.md within 1% (tests/test_zoo.cpp checks each).
#include <string>
#include <vector>

#include "workloads/workload.hpp"

namespace duet {

struct ZooOptions {
  int64_t batch = 1;
  int64_t seq_len = 128;  // transformers only (BERT); ViT's sequence follows from the image
};

std::vector<std::string> zoo_names();
bool is_zoo_name(const std::string& name);
// Throws InputError listing the valid names for an unknown one.
Workload zoo_workload(const std::string& name, const ZooOptions& options = {});

}  // namespace duet
