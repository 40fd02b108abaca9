// SCALE-Sim topology CSVs carry no padding; SCALE-Sim computes the output size as
// ceil((H - filter_h + stride) / stride). Bottom/right padding of stride - 1 reproduces exactly
// that size, so imported layers get SCALE-Sim's pixel counts and therefore its cycles.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "workloads/builder.hpp"
#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/text.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(trim(field));
  while (!fields.empty() && fields.back().empty()) fields.pop_back();  // trailing commas
  return fields;
}

int64_t parse_dim(const std::string& text, const std::string& where, const std::string& column) {
  int64_t v = 0;
  try {
    std::size_t used = 0;
    v = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw InputError(where + ": column \"" + column + "\": expected a positive integer, got \"" +
                     text + "\"");
  }
  if (v <= 0 || v > INT32_MAX) {
    throw InputError(where + ": column \"" + column + "\": dimensions must be in [1, " +
                     std::to_string(INT32_MAX) + "], got " + text);
  }
  return v;
}

}  // namespace

Workload import_scalesim_topology(const std::string& path) {
  std::ifstream in = open_input_file(path, kMaxTextInputBytes, std::ios::in);
  WorkloadBuilder b(std::filesystem::path(path).stem().string());
  std::string line;
  int number = 0;
  bool header_seen = false, gemm = false;
  std::vector<std::string> columns;
  while (std::getline(in, line)) {
    ++number;
    if (line.find('\0') != std::string::npos)
      throw InputError(path + ":" + std::to_string(number) +
                       ": holds a NUL byte (a text file has none)");
    auto fields = split_csv_line(line);
    if (fields.empty() || fields[0].empty() || fields[0][0] == '#') continue;
    const std::string where = path + ":" + std::to_string(number);
    if (!header_seen) {
      header_seen = true;
      columns = fields;
      if (fields.size() == 4) {
        gemm = true;
      } else if (fields.size() != 8) {
        throw InputError(where + ": header has " + std::to_string(fields.size()) +
                         " columns; expected the conv form (Layer name, IFMAP Height, IFMAP "
                         "Width, Filter Height, Filter Width, Channels, Num Filter, Strides) or "
                         "the GEMM form (Layer, M, N, K)");
      }
      continue;
    }
    if (fields.size() != columns.size()) {
      throw InputError(where + ": expected " + std::to_string(columns.size()) + " fields, got " +
                       std::to_string(fields.size()));
    }
    std::vector<int64_t> d;
    for (std::size_t i = 1; i < fields.size(); ++i)
      d.push_back(parse_dim(fields[i], where, columns[i]));
    const std::string name = fields[0];
    const std::string input = name + ".ifmap";
    if (gemm) {
      // M rows of the input, K reduction, N outputs: a 1x1 conv with P = M, F = N.
      b.input(input, {d[0], d[2]});
      b.gemm(name, input, d[1]);
      continue;
    }
    const int64_t h = d[0], w = d[1], fh = d[2], fw = d[3], ch = d[4], nf = d[5], s = d[6];
    if (fh > h || fw > w) {
      throw InputError(where + ": filter " + std::to_string(fh) + "x" + std::to_string(fw) +
                       " is larger than the ifmap " + std::to_string(h) + "x" + std::to_string(w));
    }
    b.input(input, {1, ch, h, w});
    Layer l;
    l.name = name;
    l.op = OpKind::kConv2d;
    l.inputs = {input};
    l.out_channels = nf;
    l.kernel = {fh, fw};
    l.stride = {s, s};
    l.padding = {0, 0, s - 1, s - 1};
    b.append(std::move(l));
  }
  if (!header_seen) throw InputError(path + ": empty topology file");
  try {
    return b.finish();
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

}  // namespace duet
