#include "workloads/builder.hpp"

#include <utility>

namespace duet {

WorkloadBuilder::WorkloadBuilder(std::string name) { workload_.name = std::move(name); }

std::string WorkloadBuilder::input(const std::string& name, Shape shape) {
  workload_.inputs.push_back({name, std::move(shape)});
  return name;
}

Layer& WorkloadBuilder::push(const std::string& name, OpKind op, std::vector<std::string> inputs) {
  Layer layer;
  layer.name = name;
  layer.op = op;
  layer.inputs = std::move(inputs);
  workload_.layers.push_back(std::move(layer));
  return workload_.layers.back();
}

std::string WorkloadBuilder::append(Layer layer) {
  workload_.layers.push_back(std::move(layer));
  return workload_.layers.back().name;
}

std::string WorkloadBuilder::conv(const std::string& name, const std::string& in,
                                  int64_t out_channels, int64_t kernel, int64_t stride,
                                  int64_t padding, int64_t groups, int64_t dilation) {
  Layer& l = push(name, OpKind::kConv2d, {in});
  l.out_channels = out_channels;
  l.kernel = {kernel, kernel};
  l.stride = {stride, stride};
  l.padding = {padding, padding, padding, padding};
  l.groups = groups;
  l.dilation = {dilation, dilation};
  return name;
}

std::string WorkloadBuilder::gemm(const std::string& name, const std::string& in,
                                  int64_t out_features) {
  push(name, OpKind::kGemm, {in}).out_features = out_features;
  return name;
}

std::string WorkloadBuilder::matmul(const std::string& name, const std::string& a,
                                    const std::string& b, bool transpose_b) {
  push(name, OpKind::kMatmul, {a, b}).transpose_b = transpose_b;
  return name;
}

std::string WorkloadBuilder::add(const std::string& name, const std::string& a,
                                 const std::string& b) {
  push(name, OpKind::kAdd, {a, b});
  return name;
}

std::string WorkloadBuilder::mul(const std::string& name, const std::string& a,
                                 const std::string& b) {
  push(name, OpKind::kMul, {a, b});
  return name;
}

std::string WorkloadBuilder::maxpool(const std::string& name, const std::string& in, int64_t kernel,
                                     int64_t stride, int64_t padding) {
  Layer& l = push(name, OpKind::kMaxPool, {in});
  l.kernel = {kernel, kernel};
  l.stride = {stride, stride};
  l.padding = {padding, padding, padding, padding};
  return name;
}

std::string WorkloadBuilder::avgpool(const std::string& name, const std::string& in, int64_t kernel,
                                     int64_t stride, int64_t padding) {
  Layer& l = push(name, OpKind::kAvgPool, {in});
  l.kernel = {kernel, kernel};
  l.stride = {stride, stride};
  l.padding = {padding, padding, padding, padding};
  return name;
}

std::string WorkloadBuilder::global_avgpool(const std::string& name, const std::string& in) {
  push(name, OpKind::kGlobalAvgPool, {in});
  return name;
}

std::string WorkloadBuilder::relu(const std::string& name, const std::string& in) {
  push(name, OpKind::kRelu, {in});
  return name;
}

std::string WorkloadBuilder::gelu(const std::string& name, const std::string& in) {
  push(name, OpKind::kGelu, {in});
  return name;
}

std::string WorkloadBuilder::silu(const std::string& name, const std::string& in) {
  push(name, OpKind::kSilu, {in});
  return name;
}

std::string WorkloadBuilder::softmax(const std::string& name, const std::string& in, int64_t axis) {
  push(name, OpKind::kSoftmax, {in}).axis = axis;
  return name;
}

std::string WorkloadBuilder::layernorm(const std::string& name, const std::string& in) {
  push(name, OpKind::kLayerNorm, {in});
  return name;
}

std::string WorkloadBuilder::embedding(const std::string& name, const std::string& in,
                                       int64_t vocab, int64_t dim) {
  Layer& l = push(name, OpKind::kEmbedding, {in});
  l.vocab = vocab;
  l.dim = dim;
  return name;
}

std::string WorkloadBuilder::reshape(const std::string& name, const std::string& in, Shape shape) {
  push(name, OpKind::kReshape, {in}).target_shape = std::move(shape);
  return name;
}

std::string WorkloadBuilder::transpose(const std::string& name, const std::string& in,
                                       std::vector<int64_t> perm) {
  push(name, OpKind::kTranspose, {in}).perm = std::move(perm);
  return name;
}

Workload WorkloadBuilder::finish() {
  infer_shapes(workload_, workload_.name);
  return workload_;
}

}  // namespace duet
