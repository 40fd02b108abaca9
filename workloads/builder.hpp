#pragma once
// Fluent construction of workloads in C++ (used by the zoo and tests). Each method appends one
// layer and returns its name, so graphs read like the network definition.
#include <string>

#include "workloads/workload.hpp"

namespace duet {

class WorkloadBuilder {
 public:
  explicit WorkloadBuilder(std::string name);

  std::string input(const std::string& name, Shape shape);

  std::string conv(const std::string& name, const std::string& in, int64_t out_channels,
                   int64_t kernel, int64_t stride = 1, int64_t padding = 0, int64_t groups = 1,
                   int64_t dilation = 1);
  std::string gemm(const std::string& name, const std::string& in, int64_t out_features);
  std::string matmul(const std::string& name, const std::string& a, const std::string& b,
                     bool transpose_b = false);
  std::string add(const std::string& name, const std::string& a, const std::string& b);
  std::string mul(const std::string& name, const std::string& a, const std::string& b);
  std::string maxpool(const std::string& name, const std::string& in, int64_t kernel,
                      int64_t stride, int64_t padding = 0);
  std::string avgpool(const std::string& name, const std::string& in, int64_t kernel,
                      int64_t stride, int64_t padding = 0);
  std::string global_avgpool(const std::string& name, const std::string& in);
  std::string relu(const std::string& name, const std::string& in);
  std::string gelu(const std::string& name, const std::string& in);
  std::string silu(const std::string& name, const std::string& in);
  std::string softmax(const std::string& name, const std::string& in, int64_t axis = -1);
  std::string layernorm(const std::string& name, const std::string& in);
  std::string embedding(const std::string& name, const std::string& in, int64_t vocab, int64_t dim);
  std::string reshape(const std::string& name, const std::string& in, Shape shape);
  std::string transpose(const std::string& name, const std::string& in, std::vector<int64_t> perm);

  // Appends a fully specified layer (for ops with unusual attributes).
  std::string append(Layer layer);

  // Runs shape inference; throws InputError naming `name` on any inconsistency.
  Workload finish();

 private:
  Layer& push(const std::string& name, OpKind op, std::vector<std::string> inputs);
  Workload workload_;
};

}  // namespace duet
