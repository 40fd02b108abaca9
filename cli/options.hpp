#pragma once
// Option parsing shared by the sub-commands: parse, print --help, then check required options.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/onnx_import.hpp"

namespace duet::cli {

// Returns false when --help was printed (the command should exit 0).
inline bool parse_options(int argc, char** argv,
                          const boost::program_options::options_description& options,
                          boost::program_options::variables_map& values) {
  const auto parsed = boost::program_options::parse_command_line(argc, argv, options);
  // No positional arguments: a stray word (a mistyped option's value, a second file) is an
  // error, not silently ignored.
  for (const auto& option : parsed.options) {
    if (option.position_key >= 0 && !option.value.empty()) {
      throw InputError("unexpected argument \"" + option.value.front() +
                       "\" (every value follows its --option; see --help)");
    }
  }
  // No option of any command takes more than a path's worth of text; checked here so that no
  // filesystem call later fails with a message that does not name the option.
  for (const auto& option : parsed.options) {
    for (const auto& value : option.value) check_path_text(value, "--" + option.string_key);
  }
  boost::program_options::store(parsed, values);
  if (values.count("help")) {
    std::cout << options << "\n";
    return false;
  }
  boost::program_options::notify(values);
  return true;
}

// "a,b,c" -> {"a", "b", "c"}; an empty list or item ("8,,16", "8,") is an error naming the
// option, not silently dropped.
inline std::vector<std::string> split_list(const std::string& text, const std::string& option) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    items.push_back(
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (items.back().empty())
      throw InputError("--" + option + ": \"" + text +
                       "\" has an empty item (give comma-separated values)");
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

// The whole of `text` as an integer in [min, max] (no spaces, no '+', no trailing text), else
// InputError naming the option and the allowed range.
inline int64_t parse_integer(const std::string& text, const std::string& option, int64_t min,
                             int64_t max) {
  std::size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) || text[0] == '+' ||
      used != text.size() || value < min || value > max) {
    throw InputError("--" + option + ": \"" + text + "\" is not an integer in [" +
                     std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return value;
}

// "K/N" (a share of a job: 0 <= K < N) for --shard and --point.
struct Share {
  int k = 0, n = 1;
};
inline Share parse_share(const std::string& text, const std::string& option) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos)
    throw InputError("--" + option + ": expected K/N with 0 <= K < N (e.g. 0/4), got \"" + text +
                     "\"");
  Share s;
  s.n = static_cast<int>(parse_integer(text.substr(slash + 1), option, 1, 1 << 20));
  s.k = static_cast<int>(parse_integer(text.substr(0, slash), option, 0, s.n - 1));
  return s;
}

// "16,32" -> {16, 32}; every item must be an integer in [min, max]; with `unique` (a set of
// choices, not a sequence such as layer widths) none may repeat.
inline std::vector<int64_t> parse_integer_list(const std::string& text, const std::string& option,
                                               int64_t min, int64_t max, bool unique = false) {
  std::vector<int64_t> values;
  for (const auto& item : split_list(text, option)) {
    values.push_back(parse_integer(item, option, min, max));
    if (unique && std::count(values.begin(), values.end() - 1, values.back()))
      throw InputError("--" + option + ": " + item + " is listed twice");
  }
  if (values.empty()) throw InputError("--" + option + ": give at least one value");
  return values;
}

// The ONNX import options every command that reads a workload takes.
struct OnnxArguments {
  std::vector<std::string> input_shapes;  // NAME=DxDx...
  std::string unsupported = "error";
};

inline void add_onnx_options(boost::program_options::options_description& opts, OnnxArguments& a) {
  namespace po = boost::program_options;
  opts.add_options()("input-shape", po::value(&a.input_shapes)->composing(),
                     "ONNX input shape NAME=DxDx... (repeatable; needed for symbolic dimensions)")(
      "unsupported", po::value(&a.unsupported)->default_value("error"),
      "ONNX op types Duet does not model: error, or as-memory (one pass over the op's data, "
      "with a warning)");
}

inline OnnxImportOptions onnx_options(const OnnxArguments& a) {
  OnnxImportOptions o;
  for (const auto& text : a.input_shapes) {
    auto [name, shape] = parse_input_shape(text, "--input-shape");
    if (!o.input_shapes.emplace(name, shape).second)
      throw InputError("--input-shape: \"" + name + "\" is given twice");
  }
  if (a.unsupported == "as-memory") {
    o.unsupported_as_memory = true;
    o.warn = [](const std::string& message) { std::cerr << "warning: " << message << "\n"; };
  } else if (a.unsupported != "error") {
    throw InputError("--unsupported: invalid value \"" + a.unsupported +
                     "\" (allowed: error, as-memory)");
  }
  return o;
}

}  // namespace duet::cli
