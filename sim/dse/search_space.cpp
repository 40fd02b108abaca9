#include "sim/dse/search_space.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/dse/dataset_table.hpp"
#include "sim/hardware_dimensions.hpp"
#include "workloads/builder.hpp"
#include "workloads/input_error.hpp"
#include "workloads/transformer_blocks.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

std::string type_of(const Json& j) {
  if (j.is_number_integer() || j.is_number_unsigned()) return "integer";
  if (j.is_number_float()) return "number";
  return j.type_name();
}

// A JSON array that must hold at least one element: an empty dimension or option list would
// leave nothing to sample.
const Json& non_empty_list(ObjectReader& r, const std::string& key) {
  const Json& v = r.raw(key);
  if (!v.is_array()) r.fail(key, "expected a list, got " + type_of(v) + " (" + v.dump() + ")");
  if (v.empty()) r.fail(key, "list is empty (give at least one value)");
  return v;
}

// Duplicates would silently double an option's probability.
void reject_duplicates(ObjectReader& r, const std::string& key, const Json& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (list[i] == list[j]) {
        r.fail(key + "[" + std::to_string(i) + "]",
               "duplicate value " + list[i].dump() + " (also at index " + std::to_string(j) + ")");
      }
    }
  }
}

HardwareDimension read_dimension(ObjectReader& r, const HardwareDimensionSpec& rule) {
  const std::string key = rule.name;
  const Json& list = non_empty_list(r, key);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& v = list[i];
    const std::string at = key + "[" + std::to_string(i) + "]";
    if (rule.kind == HardwareDimensionSpec::kChoice) {
      if (!v.is_string()) r.fail(at, "expected string, got " + type_of(v));
      const std::string s = v.get<std::string>();
      if (std::find(rule.allowed.begin(), rule.allowed.end(), s) == rule.allowed.end()) {
        const std::string near = nearest(s, rule.allowed);
        r.fail(at, "invalid value \"" + s + "\" (allowed: " + join_list(rule.allowed) + ")" +
                       (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
      }
      continue;
    }
    const bool integral = v.is_number_integer() || v.is_number_unsigned();
    if (rule.kind == HardwareDimensionSpec::kInteger ? !integral : !v.is_number()) {
      r.fail(at, std::string("expected ") +
                     (rule.kind == HardwareDimensionSpec::kInteger ? "integer" : "number") +
                     ", got " + type_of(v) + " (" + v.dump() + ")");
    }
    const double x = v.get<double>();
    if (!(x >= rule.min && x <= rule.max)) {
      r.fail(at, "value " + v.dump() + " out of range [" + Json(rule.min).dump() + ", " +
                     Json(rule.max).dump() + "]");
    }
  }
  reject_duplicates(r, key, list);
  return {key, std::vector<Json>(list.begin(), list.end())};
}

// Option strings are "<a><int>_<b><int>" ("k5_e6", "h4_m2"); false if `s` is not of that form.
bool parse_option(const std::string& s, char a, char b, int64_t& first, int64_t& second) {
  const auto sep = s.find('_');
  if (s.size() < 5 || s[0] != a || sep == std::string::npos || sep + 2 > s.size() ||
      s[sep + 1] != b) {
    return false;
  }
  auto number = [](const std::string& digits, int64_t& out) {
    if (digits.empty() || digits.size() > 6 || digits[0] == '0' ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    out = std::stoll(digits);
    return true;
  };
  return number(s.substr(1, sep - 1), first) && number(s.substr(sep + 2), second);
}

std::string option_name(char a, int64_t first, char b, int64_t second) {
  return std::string(1, a) + std::to_string(first) + "_" + std::string(1, b) +
         std::to_string(second);
}

// The "blocks" (mbconv stage) or "layers" (vit) field: a count, each block taking every
// option in `defaults`, or an explicit list of per-block option lists checked by `valid`
// (which returns "" or the reason the option is not allowed there).
template <typename Valid>
std::vector<std::vector<std::string>> read_block_options(
    ObjectReader& r, const std::string& key, const std::vector<std::string>& defaults,
    const std::vector<std::string>& defaults_after_first, Valid valid) {
  const Json& v = r.raw(key);
  std::vector<std::vector<std::string>> out;
  if (v.is_number_integer()) {
    const int64_t count = r.integer(key, 1, 256);
    for (int64_t i = 0; i < count; ++i) out.push_back(i == 0 ? defaults : defaults_after_first);
    return out;
  }
  if (!v.is_array()) {
    r.fail(key, "expected a block count or a list of per-block option lists, got " + type_of(v));
  }
  if (v.empty()) r.fail(key, "list is empty (give at least one block)");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = key + "[" + std::to_string(i) + "]";
    const Json& options = v[i];
    if (!options.is_array())
      r.fail(at, "expected a list of option strings, got " + type_of(options));
    if (options.empty()) r.fail(at, "list is empty (give at least one option)");
    std::vector<std::string> block;
    for (std::size_t j = 0; j < options.size(); ++j) {
      const std::string at_j = at + "[" + std::to_string(j) + "]";
      if (!options[j].is_string()) r.fail(at_j, "expected string, got " + type_of(options[j]));
      const std::string s = options[j].get<std::string>();
      const std::string why = valid(s, i);
      if (!why.empty()) r.fail(at_j, "invalid option \"" + s + "\": " + why);
      if (std::find(block.begin(), block.end(), s) != block.end()) {
        r.fail(at_j, "duplicate option \"" + s + "\"");
      }
      block.push_back(s);
    }
    out.push_back(block);
  }
  return out;
}

std::vector<int64_t> distinct_list(ObjectReader& r, const std::string& key, int64_t min,
                                   int64_t max) {
  reject_duplicates(r, key, non_empty_list(r, key));
  return r.integer_list(key, min, max);
}

std::vector<int64_t> input_shape(ObjectReader& r) {
  std::vector<int64_t> input = r.integer_list("input", 1, 4096);
  if (input.size() != 3) {
    r.fail("input",
           "expected [channels, height, width], got " + std::to_string(input.size()) + " value(s)");
  }
  return input;
}

// ---- mbconv ----

constexpr int64_t kMaxKernel = 11;
constexpr int64_t kMaxExpansion = 16;

NetworkFamily read_mbconv(ObjectReader& net) {
  NetworkFamily family;
  family.kind = "mbconv";
  Json def;
  const std::vector<int64_t> input = input_shape(net);
  def["input"] = input;
  def["batch"] = net.integer_or("batch", 1, 1, 4096);
  def["classes"] = net.integer("classes", 1, 1 << 20);
  def["head_channels"] = net.integer_or("head_channels", 0, 0, 1 << 16);

  std::vector<int64_t> kernels = {3, 5, 7}, expansions = {3, 6};
  if (net.has("kernels")) kernels = distinct_list(net, "kernels", 1, kMaxKernel);
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    // Padding k/2 keeps the spatial size kernel-independent only for odd kernels, and that is
    // what lets any option replace any other in the same slot.
    if (kernels[i] % 2 == 0) {
      net.fail("kernels[" + std::to_string(i) + "]",
               "kernel " + std::to_string(kernels[i]) + " must be odd");
    }
  }
  if (net.has("expansions")) expansions = distinct_list(net, "expansions", 1, kMaxExpansion);
  const bool skip = net.boolean_or("skip", true);
  std::vector<std::string> grid;
  for (int64_t k : kernels) {
    for (int64_t e : expansions) grid.push_back(option_name('k', k, 'e', e));
  }

  ObjectReader stem = net.object("stem");
  const int64_t stem_channels = stem.integer("channels", 1, 1 << 16);
  const int64_t stem_kernel = stem.integer("kernel", 1, kMaxKernel);
  const int64_t stem_stride = stem.integer("stride", 1, 8);
  stem.reject_unknown_keys();
  def["stem"] = {{"channels", stem_channels}, {"kernel", stem_kernel}, {"stride", stem_stride}};

  const Json& stages = non_empty_list(net, "stages");
  int64_t channels = stem_channels;
  Json stage_defs = Json::array();
  for (std::size_t s = 0; s < stages.size(); ++s) {
    ObjectReader st(stages[s], net.where() + ".stages[" + std::to_string(s) + "]");
    const int64_t out = st.integer("channels", 1, 1 << 16);
    const int64_t stride = st.integer("stride", 1, 8);
    // Later blocks of a stage run at stride 1 on `out` channels, so they map shapes to themselves.
    auto skippable = [&](std::size_t i) { return i > 0 || (stride == 1 && channels == out); };
    std::vector<std::string> with_skip = grid;
    if (skip) with_skip.push_back("skip");
    const auto blocks = read_block_options(
        st, "blocks", skippable(0) ? with_skip : grid, with_skip,
        [&](const std::string& option, std::size_t i) -> std::string {
          if (option == "skip") {
            return skippable(i) ? ""
                                : "a stage's first block cannot be skipped when it changes the "
                                  "stride or the channel count";
          }
          int64_t k = 0, e = 0;
          if (!parse_option(option, 'k', 'e', k, e)) {
            return "expected \"k<kernel>_e<expansion>\" (e.g. \"k5_e6\") or \"skip\"";
          }
          if (k % 2 == 0 || k > kMaxKernel) {
            return "kernel must be odd and at most " + std::to_string(kMaxKernel);
          }
          if (e > kMaxExpansion)
            return "expansion must be at most " + std::to_string(kMaxExpansion);
          return "";
        });
    st.reject_unknown_keys();
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      family.blocks.push_back(
          {"stage" + std::to_string(s + 1) + ".block" + std::to_string(i + 1), blocks[i]});
    }
    stage_defs.push_back(
        {{"channels", out}, {"stride", stride}, {"blocks", static_cast<int64_t>(blocks.size())}});
    channels = out;
  }
  def["stages"] = stage_defs;
  family.definition = def;
  return family;
}

// Conv with "same" padding (kernel / 2) followed by a ReLU, as in the zoo's CNNs.
std::string conv_relu(WorkloadBuilder& b, const std::string& p, const std::string& in,
                      int64_t out_channels, int64_t kernel, int64_t stride, int64_t groups = 1) {
  return b.relu(p + "_relu", b.conv(p, in, out_channels, kernel, stride, kernel / 2, groups));
}

void build_mbconv(WorkloadBuilder& b, const NetworkFamily& family, const std::vector<int>& choice) {
  const Json& d = family.definition;
  const int64_t batch = d["batch"].get<int64_t>();
  const std::vector<int64_t> input = d["input"].get<std::vector<int64_t>>();
  std::string x = b.input("image", {batch, input[0], input[1], input[2]});
  const Json& stem = d["stem"];
  int64_t channels = stem["channels"].get<int64_t>();
  x = conv_relu(b, "stem.conv", x, channels, stem["kernel"].get<int64_t>(),
                stem["stride"].get<int64_t>());
  std::size_t block = 0;
  for (const Json& stage : d["stages"]) {
    const int64_t out = stage["channels"].get<int64_t>();
    for (int64_t i = 0; i < stage["blocks"].get<int64_t>(); ++i, ++block) {
      const BlockSpace& space = family.blocks[block];
      const std::string& option = space.options[choice[block]];
      // "skip" is only offered where the block maps its input shape to itself.
      if (option == "skip") continue;
      int64_t kernel = 0, expansion = 0;
      parse_option(option, 'k', 'e', kernel, expansion);
      const int64_t stride = i == 0 ? stage["stride"].get<int64_t>() : 1;
      const int64_t hidden = channels * expansion;
      const std::string p = space.name + ".";
      std::string h = x;
      if (expansion != 1) h = conv_relu(b, p + "expand", h, hidden, 1, 1);
      h = conv_relu(b, p + "dw", h, hidden, kernel, stride, hidden);
      h = b.conv(p + "project", h, out, 1);  // linear bottleneck: no activation
      x = (stride == 1 && channels == out) ? b.add(p + "add", h, x) : h;
      channels = out;
    }
    channels = out;
  }
  if (const int64_t head = d["head_channels"].get<int64_t>(); head > 0) {
    x = conv_relu(b, "head.conv", x, head, 1, 1);
    channels = head;
  }
  x = b.global_avgpool("avgpool", x);
  b.gemm("fc", b.reshape("flatten", x, {batch, channels}), d["classes"].get<int64_t>());
}

// ---- vit ----

NetworkFamily read_vit(ObjectReader& net) {
  NetworkFamily family;
  family.kind = "vit";
  Json def;
  const std::vector<int64_t> input = input_shape(net);
  const int64_t batch = net.integer_or("batch", 1, 1, 4096);
  const int64_t patch = net.integer("patch", 1, 4096);
  for (int axis : {1, 2}) {
    if (input[axis] % patch != 0) {
      net.fail("patch", "patch size " + std::to_string(patch) + " does not divide the input " +
                            (axis == 1 ? "height " : "width ") + std::to_string(input[axis]));
    }
  }
  const int64_t width = net.integer("width", 1, 1 << 16);
  const int64_t classes = net.integer("classes", 1, 1 << 20);
  const std::vector<int64_t> heads = distinct_list(net, "heads", 1, 1024);
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (width % heads[i] != 0) {
      net.fail("heads[" + std::to_string(i) + "]", "width " + std::to_string(width) +
                                                       " is not divisible by " +
                                                       std::to_string(heads[i]) + " heads");
    }
  }
  const std::vector<int64_t> ratios = distinct_list(net, "mlp_ratios", 1, 64);
  const bool skip = net.boolean_or("skip", true);
  std::vector<std::string> options;
  for (int64_t h : heads) {
    for (int64_t m : ratios) options.push_back(option_name('h', h, 'm', m));
  }
  if (skip) options.push_back("skip");
  const auto layers = read_block_options(
      net, "layers", options, options, [&](const std::string& option, std::size_t) -> std::string {
        if (option == "skip") return "";
        int64_t h = 0, m = 0;
        if (!parse_option(option, 'h', 'm', h, m)) {
          return "expected \"h<heads>_m<mlp ratio>\" (e.g. \"h4_m2\") or \"skip\"";
        }
        if (width % h != 0) {
          return "width " + std::to_string(width) + " is not divisible by " + std::to_string(h) +
                 " heads";
        }
        return m > 64 ? "mlp ratio must be at most 64" : "";
      });
  for (std::size_t i = 0; i < layers.size(); ++i) {
    family.blocks.push_back({"layer" + std::to_string(i + 1), layers[i]});
  }
  def["input"] = input;
  def["batch"] = batch;
  def["patch"] = patch;
  def["width"] = width;
  def["classes"] = classes;
  def["layers"] = static_cast<int64_t>(layers.size());
  family.definition = def;
  return family;
}

void build_vit(WorkloadBuilder& b, const NetworkFamily& family, const std::vector<int>& choice) {
  const Json& d = family.definition;
  const int64_t batch = d["batch"].get<int64_t>();
  const int64_t patch = d["patch"].get<int64_t>();
  const int64_t width = d["width"].get<int64_t>();
  const std::vector<int64_t> input = d["input"].get<std::vector<int64_t>>();
  const int64_t tokens = (input[1] / patch) * (input[2] / patch);
  std::string x = b.input("image", {batch, input[0], input[1], input[2]});
  x = b.conv("patch_embed", x, width, patch, patch);
  x = b.reshape("patch_flatten", x, {batch, width, tokens});
  x = b.transpose("tokens", x, {0, 2, 1});
  for (std::size_t i = 0; i < family.blocks.size(); ++i) {
    const std::string& option = family.blocks[i].options[choice[i]];
    if (option == "skip") continue;
    int64_t heads = 0, ratio = 0;
    parse_option(option, 'h', 'm', heads, ratio);
    x = encoder_layer(b, family.blocks[i].name + ".", x,
                      {batch, tokens, width, heads, true, ratio});
  }
  x = b.layernorm("norm", x);
  // Mean over tokens via global_avgpool, which needs NCHW: view the tokens as the patch grid.
  x = b.transpose("norm_t", x, {0, 2, 1});
  x = b.reshape("token_map", x, {batch, width, input[1] / patch, input[2] / patch});
  x = b.global_avgpool("pool", x);
  b.gemm("head", b.reshape("flatten", x, {batch, width}), d["classes"].get<int64_t>());
}

// ---- fixed ----

// A workload named by a zoo name or a JSON path (`workload`), or by a `duet recast` output
// directory and the role in it (`recast` + `role`: its workload.json or teacher_workload.json,
// and the accuracy its report.json measured).
Json read_fixed_entry(ObjectReader& e) {
  Json entry;
  entry["name"] = e.string("name");
  // Names become dataset values and point directories: letters, digits, '.', '_' and '-'.
  const std::string name = entry["name"];
  if (name.empty() || name[0] == '.' || !std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
      })) {
    e.fail("name", Json(name).dump() + ": use letters, digits, '.', '_' and '-' (not first '.')");
  }
  if (e.has("workload") == e.has("recast"))
    e.fail("workload", "give exactly one of \"workload\" (zoo name or JSON path) and \"recast\"");
  if (e.has("workload")) {
    entry["workload"] = e.string("workload");
    // Loaded once now: a broken file fails here, naming the field, not as "invalid" dataset
    // rows after hours of simulation.
    try {
      load_workload(entry["workload"].get<std::string>(), {});
      if (!is_zoo_name(entry["workload"]))
        entry["fnv1a64"] = file_fingerprint(entry["workload"]).fnv1a64;
    } catch (const InputError& err) {
      e.fail("workload", err.what());
    }
    return entry;
  }
  const std::string dir = e.string("recast");
  const std::string role = e.choice("role", {"student", "teacher"});
  const std::string file = dir + (role == "student" ? "/workload.json" : "/teacher_workload.json");
  const std::string report = dir + "/report.json";
  for (const std::string& f : {file, report}) {
    if (!std::ifstream(f))
      e.fail("recast", f + " is missing: run `duet recast ... --out " + dir + "` first");
  }
  entry["workload"] = file;
  entry["fnv1a64"] = file_fingerprint(file).fnv1a64;
  try {
    load_workload(file, {});
  } catch (const InputError& err) {
    e.fail("recast", err.what());
  }
  try {
    const Json r = read_json_file(report);
    entry["accuracy"] = r.at(role).at("accuracy").get<double>();
    if (!(entry["accuracy"].get<double>() >= 0 && entry["accuracy"].get<double>() <= 1))
      throw InputError("accuracy must be in [0, 1]");
  } catch (const std::exception& ex) {
    e.fail("recast", report + " has no " + role + ".accuracy (" + ex.what() + ")");
  }
  return entry;
}

NetworkFamily read_fixed(ObjectReader& net) {
  NetworkFamily family;
  family.kind = "fixed";
  const Json& list = non_empty_list(net, "workloads");
  constexpr std::size_t kMaxWorkloads = 256;  // each is searched separately: a study's points
  if (list.size() > kMaxWorkloads) {
    net.fail("workloads",
             std::to_string(list.size()) + " workloads; at most " + std::to_string(kMaxWorkloads));
  }
  Json entries = Json::array();
  BlockSpace block{"workload", {}};
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader e(list[i], net.where() + ".workloads[" + std::to_string(i) + "]");
    const Json entry = read_fixed_entry(e);
    e.reject_unknown_keys();
    const std::string name = entry["name"];
    if (std::find(block.options.begin(), block.options.end(), name) != block.options.end())
      e.fail("name", "duplicate workload name \"" + name + "\"");
    block.options.push_back(name);
    entries.push_back(entry);
  }
  family.definition["workloads"] = entries;
  family.blocks.push_back(block);
  return family;
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

SearchSpace load_search_space(const std::string& path) {
  const Json root = read_json_file(path);
  ObjectReader top(root, path);
  SearchSpace space;
  space.path = path;
  space.name = top.string("name");
  if (space.name.empty()) top.fail("name", "must not be empty");
  top.string_or("description", "");
  space.base_config = top.string("base_config");
  if (space.base_config.empty()) top.fail("base_config", "must not be empty");
  if (top.has("schedule")) space.schedule = top.choice("schedule", {"sequential", "overlap"});

  if (top.has("hardware")) {
    ObjectReader hw = top.object("hardware");
    for (const auto& rule : hardware_dimension_table()) {
      if (hw.has(rule.name)) space.hardware.push_back(read_dimension(hw, rule));
    }
    hw.reject_unknown_keys(hardware_dimension_names());
  }

  ObjectReader net = top.object("network");
  const std::string family = net.choice("family", {"mbconv", "vit", "fixed"});
  space.network = family == "mbconv" ? read_mbconv(net)
                  : family == "vit"  ? read_vit(net)
                                     : read_fixed(net);
  net.reject_unknown_keys();
  top.reject_unknown_keys();

  // Fixed parts that are inconsistent (e.g. a stride that shrinks the map below the kernel)
  // surface now, naming the file, rather than in the middle of a dataset run.
  Sample probe;
  probe.hardware.assign(space.hardware.size(), 0);
  probe.blocks.assign(space.network.blocks.size(), 0);
  try {
    sample_workload(space, probe);
  } catch (const InputError& e) {
    throw InputError(path + ": network: the space's networks are invalid: " + e.what());
  }
  return space;
}

Json network_identity(const SearchSpace& space) {
  if (space.network.kind != "fixed")
    return {{"family", space.network.kind}, {"definition", space.network.definition}};
  // Paths may differ between machines; the names and the files' contents may not.
  Json workloads = Json::array();
  for (const Json& entry : space.network.definition["workloads"]) {
    workloads.push_back(
        {{"name", entry["name"]},
         {"content", entry.contains("fnv1a64") ? entry["fnv1a64"] : entry["workload"]}});
  }
  return {{"family", "fixed"}, {"workloads", workloads}};
}

Sample draw_sample(const SearchSpace& space, uint64_t seed, int64_t index) {
  // Counter-based: the stream is a function of (seed, index) only, so workers and MPI ranks
  // can draw any index independently and agree.
  uint64_t state = seed;
  state = splitmix64(state) ^ (static_cast<uint64_t>(index) * 0xd1b54a32d192ed03ULL);
  // Modulo bias is at most n / 2^64 for these tiny n: irrelevant.
  auto pick = [&](std::size_t n) { return static_cast<int>(splitmix64(state) % n); };
  Sample sample;
  sample.index = index;
  for (const auto& dim : space.hardware) sample.hardware.push_back(pick(dim.values.size()));
  for (const auto& block : space.network.blocks)
    sample.blocks.push_back(pick(block.options.size()));
  return sample;
}

Workload sample_workload(const SearchSpace& space, const Sample& sample) {
  const std::string what = space.path + ": sample " + std::to_string(sample.index);
  if (sample.hardware.size() != space.hardware.size() ||
      sample.blocks.size() != space.network.blocks.size()) {
    throw InputError(what + ": has " + std::to_string(sample.hardware.size()) + " hardware and " +
                     std::to_string(sample.blocks.size()) + " block choices; the space has " +
                     std::to_string(space.hardware.size()) + " and " +
                     std::to_string(space.network.blocks.size()));
  }
  for (std::size_t i = 0; i < sample.hardware.size(); ++i) {
    if (sample.hardware[i] < 0 ||
        static_cast<std::size_t>(sample.hardware[i]) >= space.hardware[i].values.size()) {
      throw InputError(what + ": " + space.hardware[i].name + " choice " +
                       std::to_string(sample.hardware[i]) + " out of range");
    }
  }
  for (std::size_t i = 0; i < sample.blocks.size(); ++i) {
    if (sample.blocks[i] < 0 ||
        static_cast<std::size_t>(sample.blocks[i]) >= space.network.blocks[i].options.size()) {
      throw InputError(what + ": " + space.network.blocks[i].name + " choice " +
                       std::to_string(sample.blocks[i]) + " out of range");
    }
  }
  if (space.network.kind == "fixed") {
    const Json& entry = space.network.definition["workloads"].at(sample.blocks.at(0));
    try {
      return load_workload(entry["workload"].get<std::string>(), {});
    } catch (const InputError& e) {
      throw InputError(space.path + ": network.workloads[" + std::to_string(sample.blocks[0]) +
                       "]: " + e.what());
    }
  }
  WorkloadBuilder b(space.name + "#" + std::to_string(sample.index));
  if (space.network.kind == "mbconv") {
    build_mbconv(b, space.network, sample.blocks);
  } else {
    build_vit(b, space.network, sample.blocks);
  }
  return b.finish();
}

AcceleratorConfig space_base_config(const SearchSpace& space) {
  AcceleratorConfig base;
  try {
    base = load_accelerator(space.base_config);
  } catch (const InputError& e) {
    throw InputError(space.path + ": base_config: " + e.what());
  }
  if (!space.schedule.empty()) base.schedule = parse_schedule(space.schedule, space.path);
  return base;
}

}  // namespace duet
