#pragma once
// Everything Duet knows about one op of the IR, in one row of one table (op_descriptor.cpp):
// its name, the unit that runs it, its inputs, its JSON attributes (read and written by one pair
// of functions, so every field round-trips), its shape rule, its im2col view on the PE array,
// and the element operations one row of it costs on the SFU. Adding an op means adding a row.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/json_reader.hpp"
#include "workloads/workload.hpp"

namespace duet {

// Where the simulator runs an op.
enum class OpUnit {
  kPeArray,  // conv2d, gemm, matmul: lowered to a GEMM view
  kSfu,      // element-wise, reductions and non-linear functions: rows of element operations
  kDma,      // embedding (a gather) and weight operands: memory traffic only
  kView,     // reshape, transpose: layout only, no work of its own
};

// Element operations: ALU operations and function evaluations. The SFU's timing and the cost
// model's energy both count these.
struct ElementOps {
  int64_t compare = 0;
  int64_t add = 0;
  int64_t mul = 0;
  int64_t exp = 0;
  int64_t reciprocal = 0;
  int64_t rsqrt = 0;
  int64_t gelu = 0;
  int64_t silu = 0;
  int64_t alu() const { return compare + add + mul; }
  int64_t functions() const { return exp + reciprocal + rsqrt + gelu + silu; }
  ElementOps& operator+=(const ElementOps& o);
  ElementOps scaled(int64_t n) const;
};

// How an SFU op splits into independent rows and what one row costs. Element-wise ops use
// rows of one element, so their tiles can take any size.
struct RowWork {
  int64_t rows = 0;
  int64_t in_elements = 0;   // per row, summed over inputs
  int64_t out_elements = 0;  // per row
  ElementOps ops;            // per row
  int data_passes = 1;       // times the row's data crosses the buffer
};

// Names the workload source and the layer in shape errors.
class ShapeChecker {
 public:
  ShapeChecker(const std::string& source, const Layer& layer);
  [[noreturn]] void fail(const std::string& what) const;
  void require(bool ok, const std::string& what) const;
  void positive(int64_t v, const std::string& field) const;

 private:
  std::string where_;
};

// OpDescriptor::inputs of ops that take any number (at least one).
constexpr int kAnyInputs = -1;

struct OpDescriptor {
  OpKind kind;
  const char* name;
  OpUnit unit;
  int inputs;      // how many the op takes, or kAnyInputs
  bool nonlinear;  // evaluated by an SFU kind's function units: has an `impl` field
  // Fuses into its producer's output path (conv, gemm, matmul or add) when it is that
  // producer's only consumer: a clamp costs nothing there.
  bool fuses_into_producer;
  // The op's attributes from and to a JSON layer object (beyond name, op, inputs and impl).
  // The writer leaves out values equal to the reader's defaults.
  void (*read_fields)(ObjectReader& r, Layer& l);
  void (*write_fields)(const Layer& l, Json& j);
  // Output shape from l.input_shapes (may normalise attributes, e.g. a negative axis).
  Shape (*infer)(Layer& l, const ShapeChecker& c);
  GemmView (*gemm)(const Layer& l);     // kPeArray ops
  int64_t (*weights)(const Layer& l);   // parameters read from DRAM; nullptr: none
  RowWork (*row_work)(const Layer& l);  // kSfu ops, and kDma ops' rows of traffic
};

const std::vector<OpDescriptor>& op_descriptors();
const OpDescriptor& op_descriptor(OpKind op);

}  // namespace duet
