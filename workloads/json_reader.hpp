#pragma once
// Strict, self-describing reading of JSON objects: every accessor names the file and the
// field path in its error, unknown keys get a "did you mean" suggestion, and ranges are
// stated. Used by the workload and accelerator-config parsers.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace duet {

using Json = nlohmann::json;

// A whole file as text; throws InputError naming the file when it cannot be read.
std::string read_text_file(const std::string& path);
// Reads a JSON file; a missing file or malformed JSON throws InputError naming the file,
// and for syntax errors the line and column.
Json read_json_file(const std::string& path);
// The same rules for text already in memory (errors name `source`): duplicate keys refused,
// line and column for syntax errors.
Json parse_json_text(const std::string& text, const std::string& source);

// The project's words for a JSON library error ("missing field \"x\"", "number out of range:
// 1e999", "expected number, got string"), without the library's "[json.exception...]" tag; for
// any other exception, its what().
std::string exception_text(const std::exception& e);

// JSON text for an output. A name can reach a report from a SCALE-Sim file, a CSV or a file name
// without passing a JSON parser, so invalid UTF-8 is written as U+FFFD rather than thrown.
template <class AnyJson>
std::string json_text(const AnyJson& j, int indent = -1) {
  return j.dump(indent, ' ', false, AnyJson::error_handler_t::replace);
}

// Levenshtein distance; used for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
// "a, b, c": the allowed values an error message lists.
std::string join_list(const std::vector<std::string>& items);

// The candidate nearest to `word`, or "" if none is close enough to be a plausible typo.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

class ObjectReader {
 public:
  // `where` is the human-readable location prefix, e.g. "configs/accel/mobile.json: pe_array".
  ObjectReader(const Json& object, std::string where);

  bool has(const std::string& key) const;
  const Json& raw(const std::string& key);  // marks the key as known; throws if missing

  int64_t integer(const std::string& key, int64_t min, int64_t max);
  int64_t integer_or(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  double number(const std::string& key, double min, double max);
  double number_or(const std::string& key, double fallback, double min, double max);
  bool boolean_or(const std::string& key, bool fallback);
  std::string string(const std::string& key);
  std::string string_or(const std::string& key, const std::string& fallback);
  std::string choice(const std::string& key, const std::vector<std::string>& allowed);
  std::string choice_or(const std::string& key, const std::string& fallback,
                        const std::vector<std::string>& allowed);
  std::vector<int64_t> integer_list(const std::string& key, int64_t min, int64_t max);
  std::vector<std::string> string_list(const std::string& key);
  ObjectReader object(const std::string& key);

  // Throws if the object holds keys no accessor asked for (call after reading all fields).
  void reject_unknown_keys(const std::vector<std::string>& also_allowed = {}) const;

  const std::string& where() const { return where_; }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const Json& require(const std::string& key, Json::value_t type_hint, const char* type_name);
  const Json& object_;
  std::string where_;
  std::set<std::string> known_;
};

}  // namespace duet
