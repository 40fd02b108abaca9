#include "workloads/json_reader.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"

namespace duet {
namespace {

std::string type_name_of(const Json& j) {
  if (j.is_number_integer() || j.is_number_unsigned()) return "integer";
  if (j.is_number_float()) return "number";
  return j.type_name();
}

// What the DOM parser does not check, found in a SAX pass of its own (nlohmann's callback
// parser, the obvious way, rescans an array after each of its objects, which made a workload of
// 10^6 layers take minutes to read):
// - duplicate keys: nlohmann keeps the last one, so an edit to the first copy would be silently
//   ignored;
// - nesting: the library's dump() recurses, so an error message quoting a value nested a million
//   levels deep overflowed the stack. Duet's files nest fewer than 10 levels;
// - NUL bytes (\u0000) in strings: C strings end there, so a name would be cut short in silence
//   and a message quoting it cut off.
constexpr int kMaxJsonDepth = 100;

class JsonShapeChecker : public Json::json_sax_t {
 public:
  std::string duplicate;
  bool too_deep = false;
  bool nul = false;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t& text) override { return !(nul = has_nul(text)); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    keys_.emplace_back();
    return enter();
  }
  bool key(string_t& key) override {
    if (has_nul(key)) return !(nul = true);
    if (!keys_.back().insert(key).second) duplicate = key;
    return duplicate.empty();  // stop at the first
  }
  bool end_object() override {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;  // the DOM parser reports it, with its position
  }

 private:
  bool enter() {
    too_deep = ++depth_ > kMaxJsonDepth;
    return !too_deep;
  }
  static bool has_nul(const string_t& text) { return text.find('\0') != string_t::npos; }
  int depth_ = 0;
  std::vector<std::set<std::string>> keys_;  // one set per open object
};

// nlohmann's message after its "[json.exception.<kind>.<id>] " tag.
std::string untagged(const std::string& what) {
  if (what.rfind("[json.exception.", 0) != 0) return what;
  const auto tag_end = what.find("] ");
  return tag_end == std::string::npos ? what : what.substr(tag_end + 2);
}

std::string after(const std::string& text, const std::string& marker) {
  const auto pos = text.find(marker);
  return pos == std::string::npos ? text : text.substr(pos + marker.size());
}

}  // namespace

std::string exception_text(const std::exception& e) {
  const auto* j = dynamic_cast<const Json::exception*>(&e);
  if (!j) return e.what();
  const std::string text = untagged(j->what());
  switch (j->id) {
    case 101:  // "parse error at line 1, column 2: syntax error while parsing ..."
      return after(text, ": ");
    case 302: {  // "type must be number, but is string"
      std::string t = after(text, "type must be ");
      const auto but = t.find(", but is ");
      if (but != std::string::npos) t = t.substr(0, but) + ", got " + t.substr(but + 9);
      return "expected " + t;
    }
    case 401:  // "array index 4 is out of range"
      return "missing list item (" + text.substr(0, text.find(" is out of range")) + ")";
    case 403: {  // "key 'x' not found"
      const auto open = text.find('\''), close = text.rfind('\'');
      return open < close ? "missing field \"" + text.substr(open + 1, close - open - 1) + "\""
                          : text;
    }
    case 406:  // "number overflow parsing '1e999'"
      return "number out of range: " + after(text, "parsing ");
    case 316:  // "invalid UTF-8 byte at index 3: 0xFF"
      return "text is not valid UTF-8 (" + text + ")";
    default:
      return text;
  }
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in = open_input_file(path, kMaxTextInputBytes);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path + ": read error");
  return buffer.str();
}

Json read_json_file(const std::string& path) { return parse_json_text(read_text_file(path), path); }

Json parse_json_text(const std::string& text, const std::string& path) {
  try {
    JsonShapeChecker shape;
    Json::sax_parse(text, &shape);
    if (shape.too_deep)
      throw InputError(path + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                       " levels (Duet's files nest fewer than 10)");
    if (shape.nul)
      throw InputError(path +
                       ": a string holds a NUL byte (\\u0000), which no name or value "
                       "may hold");
    if (!shape.duplicate.empty())
      throw InputError(path + ": key \"" + shape.duplicate +
                       "\" appears twice in one object (each key may appear once)");
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann reports a byte offset; people fix files by line and column.
    std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    auto pos = what.find("syntax error");
    if (pos != std::string::npos) what = what.substr(pos);
    throw InputError(path + ":" + std::to_string(line) + ":" + std::to_string(column) +
                     ": malformed JSON: " + what);
  } catch (const Json::exception& e) {
    // e.g. a number too large for a double (1e999)
    throw InputError(path + ": " + exception_text(e));
  }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  // Up to a third of the word may differ (at least 2 edits): typos, not unrelated words.
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

ObjectReader::ObjectReader(const Json& object, std::string where)
    : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) {
    throw InputError(where_ + ": expected a JSON object, got " + type_name_of(object_));
  }
}

void ObjectReader::fail(const std::string& key, const std::string& what) const {
  // "file.json: pe_array.rows: ..." -- the file, then the field path inside it.
  const bool top = where_.find(": ") == std::string::npos;
  throw InputError(where_ + (key.empty() ? "" : (top ? ": " : ".") + key) + ": " + what);
}

bool ObjectReader::has(const std::string& key) const { return object_.contains(key); }

const Json& ObjectReader::raw(const std::string& key) {
  known_.insert(key);
  if (!object_.contains(key)) {
    // A missing field is often a misspelt one: point at the unknown key that resembles it.
    std::vector<std::string> present;
    for (const auto& item : object_.items()) present.push_back(item.key());
    const std::string typo = nearest(key, present);
    fail(key, "missing required field" + (typo.empty() ? std::string()
                                                       : " (found unknown key \"" + typo +
                                                             "\": did you mean \"" + key + "\"?)"));
  }
  return object_.at(key);
}

const Json& ObjectReader::require(const std::string& key, Json::value_t, const char* type_name) {
  const Json& value = raw(key);
  bool ok = false;
  std::string wanted = type_name;
  if (wanted == "integer") ok = value.is_number_integer() || value.is_number_unsigned();
  if (wanted == "number") ok = value.is_number();
  if (wanted == "boolean") ok = value.is_boolean();
  if (wanted == "string") ok = value.is_string();
  if (wanted == "array") ok = value.is_array();
  if (wanted == "object") ok = value.is_object();
  if (!ok)
    fail(key, "expected " + wanted + ", got " + type_name_of(value) + " (" + value.dump() + ")");
  return value;
}

int64_t ObjectReader::integer(const std::string& key, int64_t min, int64_t max) {
  const Json& v = require(key, Json::value_t::number_integer, "integer");
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    fail(key, "value " + v.dump() + " is too large");
  }
  int64_t x = v.get<int64_t>();
  if (x < min || x > max) {
    fail(key, "value " + std::to_string(x) + " out of range [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
  }
  return x;
}

int64_t ObjectReader::integer_or(const std::string& key, int64_t fallback, int64_t min,
                                 int64_t max) {
  known_.insert(key);
  return has(key) ? integer(key, min, max) : fallback;
}

double ObjectReader::number(const std::string& key, double min, double max) {
  double x = require(key, Json::value_t::number_float, "number").get<double>();
  if (!(x >= min && x <= max)) {
    std::ostringstream msg;
    msg << "value " << x << " out of range [" << min << ", " << max << "]";
    fail(key, msg.str());
  }
  return x;
}

double ObjectReader::number_or(const std::string& key, double fallback, double min, double max) {
  known_.insert(key);
  return has(key) ? number(key, min, max) : fallback;
}

bool ObjectReader::boolean_or(const std::string& key, bool fallback) {
  known_.insert(key);
  return has(key) ? require(key, Json::value_t::boolean, "boolean").get<bool>() : fallback;
}

std::string ObjectReader::string(const std::string& key) {
  return require(key, Json::value_t::string, "string").get<std::string>();
}

std::string ObjectReader::string_or(const std::string& key, const std::string& fallback) {
  known_.insert(key);
  return has(key) ? string(key) : fallback;
}

std::string ObjectReader::choice(const std::string& key, const std::vector<std::string>& allowed) {
  std::string value = string(key);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    fail(key, "invalid value \"" + value + "\" (allowed: " + join_list(allowed) + ")");
  }
  return value;
}

std::string ObjectReader::choice_or(const std::string& key, const std::string& fallback,
                                    const std::vector<std::string>& allowed) {
  known_.insert(key);
  return has(key) ? choice(key, allowed) : fallback;
}

std::vector<int64_t> ObjectReader::integer_list(const std::string& key, int64_t min, int64_t max) {
  const Json& v = raw(key);
  std::vector<int64_t> out;
  if (v.is_number_integer()) {
    out.push_back(integer(key, min, max));
    return out;
  }
  if (!v.is_array()) fail(key, "expected an integer or a list of integers, got " + type_name_of(v));
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Json& item = v[i];
    std::string at = key + "[" + std::to_string(i) + "]";
    if (!item.is_number_integer()) fail(at, "expected integer, got " + type_name_of(item));
    if (item.is_number_unsigned() && item.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      fail(at, "value " + std::to_string(item.get<uint64_t>()) + " out of range [" +
                   std::to_string(min) + ", " + std::to_string(max) + "]");
    int64_t x = item.get<int64_t>();
    if (x < min || x > max) {
      fail(at, "value " + std::to_string(x) + " out of range [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
    }
    out.push_back(x);
  }
  return out;
}

std::vector<std::string> ObjectReader::string_list(const std::string& key) {
  const Json& v = require(key, Json::value_t::array, "array");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      fail(key + "[" + std::to_string(i) + "]", "expected string, got " + type_name_of(v[i]));
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

ObjectReader ObjectReader::object(const std::string& key) {
  const Json& v = require(key, Json::value_t::object, "object");
  const bool top = where_.find(": ") == std::string::npos;
  return ObjectReader(v, where_ + (top ? ": " : ".") + key);
}

void ObjectReader::reject_unknown_keys(const std::vector<std::string>& also_allowed) const {
  std::set<std::string> unique(known_.begin(), known_.end());
  unique.insert(also_allowed.begin(), also_allowed.end());
  const std::vector<std::string> valid(unique.begin(), unique.end());
  for (const auto& item : object_.items()) {
    if (std::find(valid.begin(), valid.end(), item.key()) != valid.end()) continue;
    std::string suggestion = nearest(item.key(), valid);
    fail(item.key(), "unknown key" + (suggestion.empty()
                                          ? std::string(" (valid keys: ") + join_list(valid) + ")"
                                          : " (did you mean \"" + suggestion + "\"?)"));
  }
}

}  // namespace duet
