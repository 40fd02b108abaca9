// Import of SCALE-Sim v2 architecture .cfg files, so SCALE-Sim users can bring their arrays.
// SCALE-Sim has no clock, data types or DRAM model: we assume 1 GHz, 1-byte words (its own
// default word size) and take `Bandwidth` (words per cycle) as the DRAM bandwidth.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/accelerator_config.hpp"
#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/text.hpp"

namespace duet {
namespace {

// Decimal only ([-+]digits[.digits][e[-+]digits]): stod also reads hex ("0x20"), "inf" and
// "nan", which SCALE-Sim does not.
bool is_decimal(const std::string& text) {
  std::size_t i = text.empty() || (text[0] != '-' && text[0] != '+') ? 0 : 1;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - start;
  };
  std::size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

struct CfgEntry {
  std::string value;
  int line = 0;
};

}  // namespace

AcceleratorConfig import_scalesim_cfg(const std::string& path) {
  std::ifstream in = open_input_file(path, kMaxTextInputBytes, std::ios::in);
  std::map<std::string, CfgEntry> entries;  // lower-cased key -> value
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find('\0') != std::string::npos)
      throw InputError(path + ":" + std::to_string(number) +
                       ": holds a NUL byte (a text file has none)");
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';' || t[0] == '[') continue;
    auto sep = t.find_first_of(":=");
    if (sep == std::string::npos) {
      throw InputError(path + ":" + std::to_string(number) +
                       ": expected \"Key : value\" or \"Key = value\", got \"" + t + "\"");
    }
    entries[lower(trim(t.substr(0, sep)))] = {trim(t.substr(sep + 1)), number};
  }

  auto number_of = [&](const std::string& key, double min, double max) {
    auto it = entries.find(lower(key));
    if (it == entries.end()) throw InputError(path + ": missing required key " + key);
    const std::string where = path + ":" + std::to_string(it->second.line) + ": " + key;
    double v = 0;
    try {
      if (!is_decimal(it->second.value)) throw std::invalid_argument("form");
      std::size_t used = 0;
      v = std::stod(it->second.value, &used);
      if (used != it->second.value.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw InputError(where + ": expected a number, got \"" + it->second.value + "\"");
    }
    // NaN fails both comparisons: written this way it is out of range too.
    if (!(v >= min && v <= max)) {
      std::ostringstream msg;
      msg << where << ": value " << it->second.value << " out of range [" << min << ", " << max
          << "]";
      throw InputError(msg.str());
    }
    return v;
  };
  auto integer_of = [&](const std::string& key, double min, double max) {
    const double v = number_of(key, min, max);
    if (v != std::floor(v)) {
      const auto& e = entries.at(lower(key));
      throw InputError(path + ":" + std::to_string(e.line) + ": " + key +
                       ": expected an integer, got \"" + e.value + "\"");
    }
    return static_cast<int64_t>(v);
  };

  AcceleratorConfig c;
  c.source = path;
  auto run_name = entries.find("run_name");
  c.name = run_name != entries.end() ? run_name->second.value : "scalesim";
  if (c.name.empty())
    throw InputError(path + ":" + std::to_string(run_name->second.line) +
                     ": run_name: must not be empty");
  c.clock_ghz = 1.0;
  c.schedule = Schedule::kSequential;  // SCALE-Sim runs layers one after another
  c.pe_rows = integer_of("ArrayHeight", 1, 4096);
  c.pe_cols = integer_of("ArrayWidth", 1, 4096);
  double ifmap_kib = static_cast<double>(integer_of("IfmapSramSzkB", 1, 1 << 22));
  double filter_kib = static_cast<double>(integer_of("FilterSramSzkB", 1, 1 << 22));
  double ofmap_kib = static_cast<double>(integer_of("OfmapSramSzkB", 1, 1 << 22));
  double total = ifmap_kib + filter_kib + ofmap_kib;
  if (total > (1 << 22))
    throw InputError(path + ": IfmapSramSzkB + FilterSramSzkB + OfmapSramSzkB = " +
                     std::to_string(static_cast<int64_t>(total)) +
                     " KiB, above the buffer's limit of 4194304 KiB");
  c.buffer_kib = static_cast<int64_t>(total);
  c.partition = {ifmap_kib / total, filter_kib / total, ofmap_kib / total};

  auto dataflow = entries.find("dataflow");
  if (dataflow == entries.end()) throw InputError(path + ": missing required key Dataflow");
  std::string d = lower(dataflow->second.value);
  if (d == "ws") {
    c.dataflow = Dataflow::kWeightStationary;
  } else if (d == "os") {
    c.dataflow = Dataflow::kOutputStationary;
  } else if (d == "is") {
    c.dataflow = Dataflow::kInputStationary;
  } else {
    throw InputError(path + ":" + std::to_string(dataflow->second.line) +
                     ": Dataflow: invalid value \"" + dataflow->second.value +
                     "\" (allowed: ws, os, is)");
  }
  // Bandwidth is in words per cycle; at 1 GHz and 1-byte words that is GB/s.
  c.dram_bandwidth_gbps = number_of("Bandwidth", 0.1, 1e6);
  if (entries.count("memorybanks")) {
    c.buffer_banks = integer_of("MemoryBanks", 1, 4096);
  }
  return c;
}

}  // namespace duet
