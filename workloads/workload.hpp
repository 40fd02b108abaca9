#pragma once
// The layer-graph IR shared by the zoo, the importers, the simulator and the learned models.
// Tensors are dense and row-major; convolution tensors are NCHW.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace duet {

using Shape = std::vector<int64_t>;

enum class OpKind {
  kConv2d,
  kGemm,    // activation [..., K] x weight [K, N]; weights come from DRAM
  kMatmul,  // activation x activation with batch dims (attention)
  kAdd,
  kMul,
  kMaxPool,
  kAvgPool,
  kGlobalAvgPool,
  kRelu,
  kClip,       // min/max clamp (ReLU6)
  kBatchNorm,  // per-channel scale and shift, when it does not fold into a convolution
  kGelu,
  kSilu,
  kSigmoid,
  kSoftmax,
  kLayerNorm,
  kEmbedding,  // memory traffic only
  kWeight,     // a constant operand (e.g. a bias or scale vector), read from DRAM
  kSlice,      // layout view: a contiguous range along one axis
  kConcat,     // layout view: producers write into place
  kReshape,    // layout view: no data movement of its own
  kTranspose,  // layout view: the DMA's strided access does the permutation
  kTanh,
  kHardSigmoid,  // clip(alpha * x + beta, 0, 1): ALU only
  kHardSwish,    // x * hardsigmoid(x): ALU only
  kDiv,          // element-wise a / b of two activations: a reciprocal and a multiply
  kPad,          // layout view: zeros around the tensor, made by the address generator
  kMemory,       // an op Duet does not model, costed as one pass over its data (as-memory)
};

// How a non-linear op is evaluated: `auto` follows the accelerator's SFU kind; the others
// force exact FP arithmetic, NN-LUT tables or I-BERT's integer approximations.
enum class NonlinearImpl { kAuto, kExact, kNnlut, kIbert };

const char* op_name(OpKind op);
// Throws InputError listing the valid names.
OpKind parse_op(const std::string& name, const std::string& where);
std::vector<std::string> op_names();
bool is_nonlinear(OpKind op);
bool runs_on_pe_array(OpKind op);  // conv2d, gemm, matmul
bool is_view(OpKind op);           // reshape, transpose
const char* impl_name(NonlinearImpl impl);
NonlinearImpl parse_impl(const std::string& name, const std::string& where);

struct Layer {
  std::string name;
  OpKind op = OpKind::kRelu;
  std::vector<std::string> inputs;  // names of workload inputs or earlier layers

  // conv2d / pooling
  int64_t out_channels = 0;
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 4> padding{0, 0, 0, 0};  // top, left, bottom, right
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
  // gemm
  int64_t out_features = 0;
  // matmul
  bool transpose_b = false;
  // softmax, slice, concat
  int64_t axis = -1;
  // slice: [start, end) along axis
  int64_t start = 0;
  int64_t end = 0;
  // embedding
  int64_t vocab = 0;
  int64_t dim = 0;
  // reshape (-1 allowed once) / transpose; weight, memory: its shape
  Shape target_shape;
  // pad: elements added before each axis, then after each axis (ONNX's order)
  std::vector<int64_t> pads;
  std::vector<int64_t> perm;

  NonlinearImpl impl = NonlinearImpl::kAuto;

  // Filled by shape inference.
  std::vector<Shape> input_shapes;
  Shape output_shape;
};

struct WorkloadInput {
  std::string name;
  Shape shape;
};

struct Workload {
  std::string name;
  std::vector<WorkloadInput> inputs;
  std::vector<Layer> layers;
};

// Sets the impl of every non-linear op (gelu, silu, softmax, layernorm).
void set_nonlinear_impl(Workload& workload, NonlinearImpl impl);

int64_t elements(const Shape& shape);
// Largest element count of one tensor: products of sizes stay far from int64's limit.
constexpr int64_t kMaxElements = int64_t{1} << 62;
// The element count, or -1 when it exceeds kMaxElements (or a dimension is negative).
int64_t checked_elements(const Shape& shape);
// numpy broadcasting of two shapes into `out`; false when they do not broadcast.
bool broadcast_shapes(const Shape& a, const Shape& b, Shape& out);
std::string shape_string(const Shape& shape);

// Infers every layer's shapes in order and validates dimensions, references and attributes.
// Errors name `source` (file or zoo entry) and the layer. Called by every loader.
void infer_shapes(Workload& workload, const std::string& source);

// Multiply-accumulates of a shape-inferred layer (0 for layers that do no MACs).
int64_t layer_macs(const Layer& layer);
int64_t total_macs(const Workload& workload);
// Parameters (weights) a shape-inferred layer reads from DRAM.
int64_t layer_weights(const Layer& layer);

// Convolution / GEMM lowered to the im2col view SCALE-Sim uses, per group:
// P output pixels (rows of the output matrix), K reduction length, F filters, `repeats`
// independent copies (groups for conv, batch for matmul).
struct GemmView {
  int64_t p = 0;
  int64_t k = 0;
  int64_t f = 0;
  int64_t repeats = 1;
};
GemmView gemm_view(const Layer& layer);

}  // namespace duet
