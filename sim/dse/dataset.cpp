#include "sim/dse/dataset.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/dse/dataset_table.hpp"
#include "sim/dse/sampled_hardware.hpp"
#include "sim/dse/worker_processes.hpp"
#include "sim/report_writer.hpp"
#include "sim/simulate.hpp"
#include "workloads/input_error.hpp"

namespace duet {
namespace {

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string csv_escape(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string join_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
  return out;
}

bool is_count(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

bool is_positive_number(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value) && value > 0;
}

// A finished row's sample index; throws InputError naming the file and line for anything a
// worker would not have written: a bad index, another column count, a non-finite number.
int64_t checked_row_index(const std::string& path, std::size_t line_number, const std::string& line,
                          std::size_t columns) {
  const std::string where = path + ":" + std::to_string(line_number) + ": ";
  const std::string fix = " (delete the file, or drop --resume)";
  if (line.find('\0') != std::string::npos)
    throw InputError(where + "holds a NUL byte, which Duet never writes" + fix);
  if (line.find('\0') != std::string::npos)
    throw InputError(where + "holds a NUL byte, which Duet never writes" + fix);
  const std::string index = line.substr(0, line.find(','));
  if (!is_count(index))
    throw InputError(where + "sample index \"" + index + "\" is not a non-negative integer" + fix);
  const std::vector<std::string> fields = split_csv_line(line);
  if (fields.size() != columns)
    throw InputError(where + std::to_string(fields.size()) + " fields, the header has " +
                     std::to_string(columns) + fix);
  for (const auto& f : fields) {
    std::string lower = f;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "nan" || lower == "inf" || lower == "-inf" || lower == "infinity")
      throw InputError(where + "a value is \"" + f + "\", not a finite number" + fix);
  }
  return std::stoll(index);
}

std::string part_path(const std::string& out, int worker) {
  return out + ".part" + std::to_string(worker);
}

// Rows already computed: the part files of an interrupted run and, with `outputs`, the output
// of a finished one (and `resume_from`).
std::map<int64_t, std::string> finished_rows(const DatasetOptions& o, const std::string& header,
                                             bool outputs) {
  std::map<int64_t, std::string> rows;
  const std::size_t columns = split_csv_line(header).size();
  auto take = [&](const std::string& path, bool has_header) {
    const auto lines = complete_lines(path);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (has_header && i == 0) {
        if (lines[0] != header) {
          throw InputError(path +
                           ": columns do not match the space (line 1); delete it or "
                           "drop --resume");
        }
        continue;
      }
      const int64_t index = checked_row_index(path, i + 1, lines[i], columns);
      const auto [it, added] = rows.emplace(index, lines[i]);
      if (!added && it->second != lines[i])
        throw InputError(path + ":" + std::to_string(i + 1) + ": sample " + std::to_string(index) +
                         " appears twice with different values (delete the file, or drop "
                         "--resume)");
    }
  };
  if (outputs && std::filesystem::exists(o.out_path)) take(o.out_path, true);
  if (outputs && !o.resume_from.empty() && std::filesystem::exists(o.resume_from)) {
    take(o.resume_from, true);
  }
  const std::filesystem::path dir = std::filesystem::path(o.out_path).parent_path();
  const std::string prefix = std::filesystem::path(o.out_path).filename().string() + ".part";
  for (const auto& entry : std::filesystem::directory_iterator(dir.empty() ? "." : dir)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) take(entry.path().string(), false);
  }
  return rows;
}

// Removes the part files, except `keep` (a file name: the directory listing spells a relative
// --out as "./out.csv.part-done").
void remove_parts(const std::string& out, const std::string& keep = "") {
  const std::filesystem::path dir = std::filesystem::path(out).parent_path();
  const std::string prefix = std::filesystem::path(out).filename().string() + ".part";
  for (const auto& entry : std::filesystem::directory_iterator(dir.empty() ? "." : dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name != keep) {
      std::filesystem::remove(entry.path());
    }
  }
}

// A worker's share: simulates its indices and appends one flushed line per sample, so an
// interruption loses at most the sample in flight.
int run_worker(const SearchSpace& space, const DatasetOptions& o,
               const std::vector<int64_t>& indices, int worker) {
  FILE* out = std::fopen(part_path(o.out_path, worker).c_str(), "a");
  if (!out) throw InputError(part_path(o.out_path, worker) + ": cannot write");
  for (int64_t index : indices) {
    const std::string line = dataset_row(space, o.seed, index) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size() || std::fflush(out) != 0) {
      std::fclose(out);
      throw InputError(part_path(o.out_path, worker) + ": write failed (disk full?)");
    }
  }
  if (std::fclose(out) != 0) throw InputError(part_path(o.out_path, worker) + ": close failed");
  return 0;
}

}  // namespace

std::vector<std::string> dataset_header(const SearchSpace& space) {
  std::vector<std::string> columns = {"index", "status"};
  for (const auto& d : space.hardware) columns.push_back("hw_" + d.name);
  for (const auto& b : space.network.blocks) columns.push_back("net_" + b.name);
  for (const char* c : {"macs", "cycles", "latency_s", "energy_j", "avg_power_w", "area_mm2",
                        "schedule", "simulator_version", "error"}) {
    columns.emplace_back(c);
  }
  return columns;
}

namespace {

// The sample's hardware values and block options, as its row spells them.
std::vector<std::string> design_fields(const SearchSpace& space, const Sample& sample) {
  std::vector<std::string> fields;
  for (std::size_t d = 0; d < space.hardware.size(); ++d) {
    const Json& v = space.hardware[d].values[sample.hardware[d]];
    fields.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  }
  for (std::size_t b = 0; b < space.network.blocks.size(); ++b)
    fields.push_back(space.network.blocks[b].options[sample.blocks[b]]);
  return fields;
}

// A resumed row must be a row this run would write: the sample its --seed draws for the index,
// a known status, this space's schedule and this simulator's version, and results of the right
// form (the results themselves are not re-simulated). A row of another seed, another simulator
// or a hand-edited one would otherwise pass as this run's data.
void check_resumed_row(const SearchSpace& space, const DatasetOptions& o, int64_t index,
                       const std::string& line, const std::string& schedule) {
  const std::vector<std::string> row = split_csv_line(line);
  const std::vector<std::string> header = dataset_header(space);
  const std::string where = o.out_path + ": sample " + std::to_string(index) + ": ";
  const std::string fix =
      " (a row of another run or an edited one; delete the file, or drop "
      "--resume)";
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::vector<std::string> drawn = design_fields(space, draw_sample(space, o.seed, index));
  for (std::size_t k = 0; k < drawn.size(); ++k) {
    if (row[k + 2] != drawn[k])
      throw InputError(where + header[k + 2] + " is " + row[k + 2] + ", but --seed " +
                       std::to_string(o.seed) + " draws " + drawn[k] + " for this index" + fix);
  }
  const std::string& status = row[1];
  if (status != "ok" && status != "invalid")
    throw InputError(where + "status is \"" + status + "\" (allowed: ok, invalid)" + fix);
  if (row[column("schedule")] != schedule)
    throw InputError(where + "schedule is \"" + row[column("schedule")] + "\", the space's is " +
                     schedule + fix);
  if (row[column("simulator_version")] != kSimulatorVersion)
    throw InputError(where + "simulator_version is \"" + row[column("simulator_version")] +
                     "\", this simulator is " + kSimulatorVersion + fix);
  for (const char* name : {"macs", "cycles", "latency_s", "energy_j", "avg_power_w", "area_mm2"}) {
    const std::string& value = row[column(name)];
    const bool counted = std::string(name) == "macs" || std::string(name) == "cycles";
    const bool valid = status == "invalid"
                           ? value.empty()
                           : (counted ? is_count(value) : is_positive_number(value));
    if (!valid)
      throw InputError(where + name + " is \"" + value + "\", " +
                       (status == "invalid" ? "expected empty in an invalid row"
                        : counted           ? "expected a count"
                                            : "expected a positive number") +
                       fix);
  }
}

}  // namespace

std::string dataset_row(const SearchSpace& space, uint64_t seed, int64_t index) {
  return dataset_row_for(space, draw_sample(space, seed, index));
}

std::string dataset_row_for(const SearchSpace& space, const Sample& sample) {
  const int64_t index = sample.index;
  static std::map<std::string, AcceleratorConfig> bases;  // parsed once per process
  const std::string key = space.base_config + "\n" + space.schedule;
  auto it = bases.find(key);
  if (it == bases.end()) it = bases.emplace(key, space_base_config(space)).first;
  const AcceleratorConfig& base = it->second;
  std::vector<std::string> fields = {std::to_string(index), "ok"};
  for (std::string& f : design_fields(space, sample)) fields.push_back(std::move(f));
  try {
    const Report r =
        simulate(sampled_accelerator(base, space, sample), sample_workload(space, sample));
    for (const std::string& f :
         {std::to_string(r.macs), std::to_string(r.cycles), number(r.latency_s), number(r.energy_j),
          number(r.avg_power_w), number(r.area_mm2)}) {
      fields.push_back(f);
    }
    fields.push_back(schedule_name(base.schedule));  // the space fixes it in its base config
    fields.push_back(kSimulatorVersion);
    fields.emplace_back("");
  } catch (const InputError& e) {
    // Invalid configurations are data too: the evaluator must learn where the space ends.
    fields[1] = "invalid";
    for (int i = 0; i < 6; ++i) fields.emplace_back("");
    fields.push_back(schedule_name(base.schedule));
    fields.push_back(kSimulatorVersion);
    fields.push_back(csv_escape(e.what()));
  }
  return join_row(fields);
}

DatasetSummary generate_dataset(const DatasetOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.samples < 1 || o.samples > kMaxDatasetSamples)
    throw InputError("--samples: " + std::to_string(o.samples) + " is not in [1, " +
                     std::to_string(kMaxDatasetSamples) +
                     "] (split bigger datasets with --shard K/N and merge them)");
  if (o.jobs < 1) throw InputError("--jobs must be >= 1");
  if (o.shards < 1 || o.shard < 0 || o.shard >= o.shards) {
    throw InputError("--shard must be K/N with 0 <= K < N");
  }
  const SearchSpace space = load_search_space(o.space_path);
  // Fail here, once, rather than in every worker.
  space_base_config(space);
  const std::string header = join_row(dataset_header(space));
  std::map<int64_t, std::string> done;
  if (o.resume) {
    // A --shard run resumes its own shard's file: rows of other shards there would be dropped.
    if (o.shards > 1) {
      for (const std::string& line : complete_lines(o.out_path)) {
        const std::string index = line.substr(0, line.find(','));
        if (is_count(index) && std::stoll(index) % o.shards != o.shard)
          throw InputError(
              o.out_path + ": holds sample " + index + " of another shard than --shard " +
              std::to_string(o.shard) + "/" + std::to_string(o.shards) +
              "; resume it with its own --shard, or write this shard to another --out");
      }
    }
    // Consolidate what survived into one file first: a killed worker may have left half a
    // line, and new workers must not append to it.
    done = finished_rows(o, header, true);
    // Rows of other shards or beyond --samples would only inflate the progress count.
    for (auto it = done.begin(); it != done.end();)
      it = it->first % o.shards != o.shard ? done.erase(it) : ++it;
    if (!done.empty() && done.rbegin()->first >= o.samples) {
      // Finished work is never dropped in silence.
      const int64_t last = done.rbegin()->first;
      throw InputError(o.out_path + ": holds samples up to " + std::to_string(last) +
                       ", beyond --samples " + std::to_string(o.samples) +
                       "; resume with --samples " + std::to_string(last + 1) +
                       " or more, or write to another --out");
    }
    const std::string schedule = schedule_name(space_base_config(space).schedule);
    for (const auto& [index, line] : done) check_resumed_row(space, o, index, line, schedule);
    std::string kept;
    for (const auto& [index, line] : done) kept += line + "\n";
    const std::string consolidated = o.out_path + ".part-done";
    write_file_atomically(consolidated, kept);
    remove_parts(o.out_path, std::filesystem::path(consolidated).filename().string());
  } else {
    remove_parts(o.out_path);
  }

  std::vector<int64_t> todo;
  int64_t total = 0;
  for (int64_t i = o.shard; i < o.samples; i += o.shards) {
    ++total;
    if (!done.count(i)) todo.push_back(i);
  }
  // Workers take interleaved indices so each sees the whole mix of sample sizes.
  const int workers =
      static_cast<int>(std::min<int64_t>(o.jobs, std::max<int64_t>(1, todo.size())));
  const int failed = todo.empty()
                         ? 0
                         : run_worker_processes(
                               workers,
                               [&](int w) {
                                 std::vector<int64_t> mine;
                                 for (std::size_t k = w; k < todo.size(); k += workers)
                                   mine.push_back(todo[k]);
                                 return run_worker(space, o, mine, w);
                               },
                               [&] {
                                 if (!o.progress) return;
                                 int64_t finished = static_cast<int64_t>(done.size());
                                 for (int w = 0; w < workers; ++w)
                                   finished += complete_lines(part_path(o.out_path, w)).size();
                                 o.progress(std::min(finished, total), total);
                               });
  if (failed) throw InputError(std::to_string(failed) + " worker(s) failed; rerun with --resume");

  // Part files only: without --resume an existing output is stale (another seed, say), and with
  // it its rows were consolidated into a part file above.
  std::map<int64_t, std::string> rows = finished_rows(o, header, false);
  std::string text = header + "\n";
  DatasetSummary summary;
  for (const auto& [index, line] : rows) {
    if (index % o.shards != o.shard || index >= o.samples) continue;
    text += line + "\n";
    ++summary.rows;
    if (line.find(",invalid,") != std::string::npos) ++summary.invalid;
  }
  write_file_atomically(o.out_path, text);
  remove_parts(o.out_path);
  if (o.progress) o.progress(total, total);
  summary.computed = static_cast<int64_t>(todo.size());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

namespace {

// Shards of one dataset come from one simulator under one schedule: rows of another (a shard of
// a space with another schedule, or an older simulator) would train one evaluator on two.
void check_same_simulation(const std::string& path, std::size_t line,
                           const std::vector<std::string>& names,
                           const std::vector<std::string>& fields, std::string& provenance) {
  std::string mine;
  for (const char* key : {"schedule", "simulator_version"}) {
    const auto it = std::find(names.begin(), names.end(), key);
    if (it != names.end()) mine += std::string(key) + " " + fields.at(it - names.begin()) + ", ";
  }
  if (provenance.empty()) provenance = mine;
  if (mine != provenance)
    throw InputError(path + ":" + std::to_string(line) + ": " + mine.substr(0, mine.size() - 2) +
                     "; the first row has " + provenance.substr(0, provenance.size() - 2) +
                     " (merge shards of one run only)");
}

}  // namespace

int64_t merge_datasets(const std::vector<std::string>& inputs, const std::string& out_path) {
  if (inputs.empty()) throw InputError("dataset merge: no input files");
  std::string header;
  std::map<int64_t, std::string> rows;
  std::string provenance;  // the first row's schedule and simulator version
  for (const auto& path : inputs) {
    if (!std::filesystem::exists(path)) throw InputError(path + ": cannot open file");
    const auto lines = complete_lines(path);
    if (lines.empty()) throw InputError(path + ": empty file");
    if (header.empty()) header = lines[0];
    if (lines[0] != header) throw InputError(path + ": columns differ from " + inputs[0]);
    const std::vector<std::string> names = split_csv_line(header);
    const std::size_t columns = names.size();
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const int64_t index = checked_row_index(path, i + 1, lines[i], columns);
      check_same_simulation(path, i + 1, names, split_csv_line(lines[i]), provenance);
      auto [it, inserted] = rows.emplace(index, lines[i]);
      if (!inserted && it->second != lines[i]) {
        throw InputError(path + ": sample " + std::to_string(index) +
                         " differs from another shard");
      }
    }
  }
  std::string text = header + "\n";
  for (const auto& [index, line] : rows) text += line + "\n";
  write_file_atomically(out_path, text);
  return static_cast<int64_t>(rows.size());
}

}  // namespace duet
