#pragma once
// Private to workloads/op_*.cpp: the per-op functions that op_descriptor.cpp's table rows name.
#include "workloads/op_descriptor.hpp"

namespace duet::op_rules {

// Shapes (op_shapes.cpp).
Shape conv(Layer& l, const ShapeChecker& c);
Shape pool(Layer& l, const ShapeChecker& c);
Shape global_pool(Layer& l, const ShapeChecker& c);
Shape gemm(Layer& l, const ShapeChecker& c);
Shape matmul(Layer& l, const ShapeChecker& c);
Shape broadcast(Layer& l, const ShapeChecker& c);  // element-wise binary, numpy broadcasting
Shape weight(Layer& l, const ShapeChecker& c);
Shape slice(Layer& l, const ShapeChecker& c);
Shape concat(Layer& l, const ShapeChecker& c);
Shape same_shape(Layer& l, const ShapeChecker& c);  // unary
Shape softmax(Layer& l, const ShapeChecker& c);
Shape embedding(Layer& l, const ShapeChecker& c);
Shape reshape(Layer& l, const ShapeChecker& c);
Shape transpose(Layer& l, const ShapeChecker& c);
Shape pad(Layer& l, const ShapeChecker& c);
Shape memory(Layer& l, const ShapeChecker& c);

// JSON attributes (op_fields.cpp).
void read_conv(ObjectReader& r, Layer& l);
void write_conv(const Layer& l, Json& j);
void read_pool(ObjectReader& r, Layer& l);
void write_pool(const Layer& l, Json& j);
void read_gemm(ObjectReader& r, Layer& l);
void write_gemm(const Layer& l, Json& j);
void read_matmul(ObjectReader& r, Layer& l);
void write_matmul(const Layer& l, Json& j);
void read_softmax(ObjectReader& r, Layer& l);
void write_softmax(const Layer& l, Json& j);
void read_embedding(ObjectReader& r, Layer& l);
void write_embedding(const Layer& l, Json& j);
void read_reshape(ObjectReader& r, Layer& l);
void write_reshape(const Layer& l, Json& j);
void read_transpose(ObjectReader& r, Layer& l);
void write_transpose(const Layer& l, Json& j);
void read_weight(ObjectReader& r, Layer& l);
void write_weight(const Layer& l, Json& j);
void read_slice(ObjectReader& r, Layer& l);
void write_slice(const Layer& l, Json& j);
void read_concat(ObjectReader& r, Layer& l);
void write_concat(const Layer& l, Json& j);
void read_pad(ObjectReader& r, Layer& l);
void write_pad(const Layer& l, Json& j);
void read_memory(ObjectReader& r, Layer& l);
void write_memory(const Layer& l, Json& j);
void read_none(ObjectReader& r, Layer& l);
void write_none(const Layer& l, Json& j);

// Work (op_work.cpp): the PE array's GEMM views and the SFU's rows.
GemmView conv_as_gemm(const Layer& l);
GemmView gemm_as_gemm(const Layer& l);
GemmView matmul_as_gemm(const Layer& l);
int64_t filter_weights(const Layer& l);    // conv, gemm: the GEMM view's K x F per repeat
int64_t table_weights(const Layer& l);     // embedding: vocab x dim
int64_t constant_weights(const Layer& l);  // weight: its elements
RowWork add_rows(const Layer& l);
RowWork mul_rows(const Layer& l);
RowWork relu_rows(const Layer& l);
RowWork clip_rows(const Layer& l);
RowWork batchnorm_rows(const Layer& l);
RowWork gelu_rows(const Layer& l);
RowWork silu_rows(const Layer& l);
RowWork sigmoid_rows(const Layer& l);
RowWork tanh_rows(const Layer& l);
RowWork hardsigmoid_rows(const Layer& l);
RowWork hardswish_rows(const Layer& l);
RowWork div_rows(const Layer& l);
RowWork memory_rows(const Layer& l);  // one pass: its inputs in, its output out, no operations
RowWork softmax_rows(const Layer& l);
RowWork layernorm_rows(const Layer& l);
RowWork maxpool_rows(const Layer& l);
RowWork avgpool_rows(const Layer& l);
RowWork global_pool_rows(const Layer& l);
RowWork embedding_rows(const Layer& l);  // DMA: one row per token
RowWork weight_rows(const Layer& l);     // DMA: the constant, row by row

}  // namespace duet::op_rules
