// Image classifiers at 224x224. Batch-norm is folded into the preceding conv, so it has no layer;
// dropout is an inference no-op and is omitted too.
#include <string>
#include <vector>

#include "workloads/builder.hpp"

namespace duet {
namespace {

constexpr int64_t kImageSize = 224;
constexpr int64_t kClasses = 1000;

std::string image_input(WorkloadBuilder& b, int64_t batch) {
  return b.input("image", {batch, 3, kImageSize, kImageSize});
}

// Conv with "same" padding (kernel / 2) followed by a ReLU, which fuses into it on the array.
std::string conv_relu(WorkloadBuilder& b, const std::string& conv_name,
                      const std::string& relu_name, const std::string& in, int64_t out_channels,
                      int64_t kernel, int64_t stride, int64_t groups = 1) {
  return b.relu(relu_name, b.conv(conv_name, in, out_channels, kernel, stride, kernel / 2, groups));
}

std::string classifier(WorkloadBuilder& b, const std::string& in, int64_t batch, int64_t channels) {
  std::string pooled = b.global_avgpool("avgpool", in);
  return b.gemm("fc", b.reshape("flatten", pooled, {batch, channels}), kClasses);
}

// `x` has `in_ch` channels; returns the block output, which has `width` channels.
std::string basic_block(WorkloadBuilder& b, const std::string& p, const std::string& x,
                        int64_t in_ch, int64_t width, int64_t stride) {
  std::string h = conv_relu(b, p + "conv1", p + "relu1", x, width, 3, stride);
  h = b.conv(p + "conv2", h, width, 3, 1, 1);
  std::string shortcut =
      (stride != 1 || in_ch != width) ? b.conv(p + "downsample", x, width, 1, stride) : x;
  return b.relu(p + "relu", b.add(p + "add", h, shortcut));
}

// torchvision v1.5: the stride sits on the 3x3 conv, not the first 1x1.
std::string bottleneck(WorkloadBuilder& b, const std::string& p, const std::string& x,
                       int64_t in_ch, int64_t width, int64_t stride) {
  const int64_t out_ch = 4 * width;
  std::string h = conv_relu(b, p + "conv1", p + "relu1", x, width, 1, 1);
  h = conv_relu(b, p + "conv2", p + "relu2", h, width, 3, stride);
  h = b.conv(p + "conv3", h, out_ch, 1);
  std::string shortcut =
      (stride != 1 || in_ch != out_ch) ? b.conv(p + "downsample", x, out_ch, 1, stride) : x;
  return b.relu(p + "relu", b.add(p + "add", h, shortcut));
}

Workload resnet(const std::string& name, int64_t batch, const std::vector<int>& blocks,
                bool use_bottleneck) {
  WorkloadBuilder b(name);
  std::string x = conv_relu(b, "conv1", "relu", image_input(b, batch), 64, 7, 2);
  x = b.maxpool("maxpool", x, 3, 2, 1);
  const int64_t expansion = use_bottleneck ? 4 : 1;
  int64_t channels = 64;
  for (int stage = 0; stage < 4; ++stage) {
    const int64_t width = int64_t{64} << stage;
    for (int i = 0; i < blocks[stage]; ++i) {
      const int64_t stride = (stage > 0 && i == 0) ? 2 : 1;
      const std::string p = "layer" + std::to_string(stage + 1) + "." + std::to_string(i) + ".";
      x = use_bottleneck ? bottleneck(b, p, x, channels, width, stride)
                         : basic_block(b, p, x, channels, width, stride);
      channels = width * expansion;
    }
  }
  classifier(b, x, batch, channels);
  return b.finish();
}

}  // namespace

Workload build_resnet18(int64_t batch) { return resnet("resnet18", batch, {2, 2, 2, 2}, false); }

Workload build_resnet50(int64_t batch) { return resnet("resnet50", batch, {3, 4, 6, 3}, true); }

Workload build_mobilenet_v2(int64_t batch) {
  struct Stage {
    int64_t expand, channels, repeats, stride;
  };
  // Inverted-residual settings (t, c, n, s) from Sandler et al., Table 2.
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  WorkloadBuilder b("mobilenet_v2");
  // ReLU6 is modelled as ReLU: same cost, and the IR has no clipped variant.
  std::string x = conv_relu(b, "stem.conv", "stem.relu", image_input(b, batch), 32, 3, 2);
  int64_t channels = 32;
  int block = 1;
  for (const Stage& s : stages) {
    for (int64_t i = 0; i < s.repeats; ++i, ++block) {
      const std::string p = "block" + std::to_string(block) + ".";
      const int64_t stride = i == 0 ? s.stride : 1;
      const int64_t hidden = channels * s.expand;
      std::string h = x;
      if (s.expand != 1) h = conv_relu(b, p + "expand", p + "expand_relu", h, hidden, 1, 1);
      h = conv_relu(b, p + "dw", p + "dw_relu", h, hidden, 3, stride, hidden);
      h = b.conv(p + "project", h, s.channels, 1);  // linear bottleneck: no activation
      x = (stride == 1 && channels == s.channels) ? b.add(p + "add", h, x) : h;
      channels = s.channels;
    }
  }
  x = conv_relu(b, "head.conv", "head.relu", x, 1280, 1, 1);
  classifier(b, x, batch, 1280);
  return b.finish();
}

Workload build_vgg16(int64_t batch) {
  const std::vector<std::vector<int64_t>> stages = {
      {64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
  WorkloadBuilder b("vgg16");
  std::string x = image_input(b, batch);
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const std::string stage = std::to_string(s + 1);
    for (std::size_t i = 0; i < stages[s].size(); ++i) {
      const std::string id = stage + "_" + std::to_string(i + 1);
      x = conv_relu(b, "conv" + id, "relu" + id, x, stages[s][i], 3, 1);
    }
    x = b.maxpool("pool" + stage, x, 2, 2);
  }
  // torchvision's adaptive 7x7 avgpool is the identity at 224x224, so flatten directly.
  x = b.reshape("flatten", x, {batch, 512 * 7 * 7});
  x = b.relu("relu6", b.gemm("fc6", x, 4096));
  x = b.relu("relu7", b.gemm("fc7", x, 4096));
  b.gemm("fc8", x, kClasses);
  return b.finish();
}

// The original two-GPU AlexNet (Krizhevsky et al., 2012) at 227x227, with its grouped conv2/4/5,
// as Eyeriss (Chen et al., JSSC 2017) benchmarks it: 666 M MACs in the conv layers.
Workload build_alexnet(int64_t batch) {
  WorkloadBuilder b("alexnet");
  std::string x = b.input("image", {batch, 3, 227, 227});
  x = b.relu("relu1", b.conv("conv1", x, 96, 11, 4));
  x = b.maxpool("pool1", x, 3, 2);
  x = b.relu("relu2", b.conv("conv2", x, 256, 5, 1, 2, 2));
  x = b.maxpool("pool2", x, 3, 2);
  x = b.relu("relu3", b.conv("conv3", x, 384, 3, 1, 1));
  x = b.relu("relu4", b.conv("conv4", x, 384, 3, 1, 1, 2));
  x = b.relu("relu5", b.conv("conv5", x, 256, 3, 1, 1, 2));
  x = b.maxpool("pool5", x, 3, 2);
  x = b.reshape("flatten", x, {batch, 256 * 6 * 6});
  x = b.relu("relu6", b.gemm("fc6", x, 4096));
  x = b.relu("relu7", b.gemm("fc7", x, 4096));
  b.gemm("fc8", x, kClasses);
  return b.finish();
}

}  // namespace duet
