#include "sim/report_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet {
namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson sfu_ops_json(const SfuOps& ops) {
  return {
      {"compare", ops.compare},       {"add", ops.add},     {"mul", ops.mul},   {"exp", ops.exp},
      {"reciprocal", ops.reciprocal}, {"rsqrt", ops.rsqrt}, {"gelu", ops.gelu}, {"silu", ops.silu}};
}

// Banks are interleaved, so each sees an equal share of every operand's accesses.
OrderedJson buffer_json(const LayerReport& l, int64_t banks) {
  OrderedJson j;
  for (int o = 0; o < 3; ++o) {
    j[kOperandNames[o]] = {{"reads", l.buffer_reads[o]},
                           {"writes", l.buffer_writes[o]},
                           {"reads_per_bank", double(l.buffer_reads[o]) / banks},
                           {"writes_per_bank", double(l.buffer_writes[o]) / banks},
                           {"read_bytes", l.buffer_read_bytes[o]},
                           {"write_bytes", l.buffer_write_bytes[o]}};
  }
  return j;
}

OrderedJson activity_json(const LayerReport& l, const Report& r) {
  return {{"macs_by_type", {{r.mac_type, l.work.macs}}},
          {"register_file_read_bytes", l.work.rf_read_bytes},
          {"register_file_write_bytes", l.work.rf_write_bytes},
          {"pe_to_pe_bytes", l.work.pe_transfer_bytes},
          {"global_buffer", buffer_json(l, r.buffer_banks)},
          {"dram_read_bytes", l.dram_read_bytes},
          {"dram_write_bytes", l.dram_write_bytes},
          {"dma_transfers", l.dma_transfers},
          {"sfu_ops", sfu_ops_json(l.work.sfu)}};
}

OrderedJson breakdown_json(const std::vector<std::pair<std::string, double>>& parts) {
  OrderedJson j = OrderedJson::object();
  for (const auto& [name, value] : parts) j[name] = value;
  return j;
}

// "pe_array 41.2%, dram 30.1%, ..." largest first.
std::string shares(std::vector<std::pair<std::string, double>> parts) {
  double total = 0;
  for (const auto& p : parts) total += p.second;
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  std::ostringstream out;
  out << std::fixed << std::setprecision(1);
  bool first = true;
  for (const auto& [name, value] : parts) {
    if (total <= 0 || value <= 0) continue;
    out << (first ? "" : ", ") << name << " " << 100 * value / total << "%";
    first = false;
  }
  return out.str();
}

double share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

OrderedJson layer_json(const LayerReport& l, const Report& r) {
  OrderedJson j = {{"name", l.name},
                   {"op", l.op},
                   {"unit", l.unit},
                   {"bound", l.bound},
                   {"start_cycle", l.start_cycle},
                   {"cycles", l.cycles},
                   {"compute_cycles", l.compute_cycles},
                   {"sfu_cycles", l.sfu_cycles},
                   {"stall_cycles", l.stall_cycles},
                   {"macs", l.macs},
                   {"utilization", l.utilization},
                   {"folds", l.folds},
                   {"tiles", l.tiles},
                   {"dram_read_bytes", l.dram_read_bytes},
                   {"dram_write_bytes", l.dram_write_bytes},
                   {"dram_busy_cycles", l.dram_busy_cycles},
                   {"dma_in_cycles", l.dma_in_cycles},
                   {"dma_out_cycles", l.dma_out_cycles},
                   {"exposed_sfu_cycles", l.exposed_sfu_cycles},
                   {"sram_reads", l.sram_reads},
                   {"sram_writes", l.sram_writes},
                   {"energy_j", l.energy_j},
                   {"energy_breakdown_j", breakdown_json(l.energy.components())},
                   {"activity", activity_json(l, r)}};
  if (!l.note.empty()) j["note"] = l.note;
  if (!l.schedule.empty()) j["schedule"] = l.schedule;
  return j;
}

std::string human_count(double x) {
  const char* units[] = {"", "K", "M", "G", "T"};
  int u = 0;
  while (x >= 1000 && u < 4) {
    x /= 1000;
    ++u;
  }
  std::ostringstream s;
  s << std::setprecision(x < 10 ? 3 : 4) << x << units[u];
  return s.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string report_json(const Report& r) {
  OrderedJson j;
  j["accelerator"] = r.accelerator;
  j["workload"] = r.workload;
  j["options"] = {{"dataflow", r.dataflow},   {"schedule", r.schedule},
                  {"fidelity", r.fidelity},   {"ideal_memory", r.ideal_memory},
                  {"clock_ghz", r.clock_ghz}, {"pe_rows", r.pe_rows},
                  {"pe_cols", r.pe_cols}};
  j["summary"] = {{"cycles", r.cycles},
                  {"latency_s", r.latency_s},
                  {"macs", r.macs},
                  {"utilization", r.utilization},
                  {"compute_cycles", r.compute_cycles},
                  {"sfu_cycles", r.sfu_cycles},
                  {"sfu_cycle_share", share(r.sfu_cycles, r.cycles)},
                  {"stall_cycles", r.stall_cycles},
                  {"exposed_sfu_cycles", r.exposed_sfu_cycles},
                  {"exposed_sfu_share", share(r.exposed_sfu_cycles, r.cycles)},
                  {"exposed_memory_cycles", r.exposed_memory_cycles},
                  {"dram_read_bytes", r.dram_read_bytes},
                  {"dram_write_bytes", r.dram_write_bytes},
                  {"energy_j", r.energy_j},
                  {"avg_power_w", r.avg_power_w},
                  {"on_chip_power_w", r.on_chip_power_w},
                  {"peak_power_w", r.peak_power_w},
                  {"peak_window_s", r.peak_window_s},
                  {"area_mm2", r.area_mm2},
                  {"edp_js", r.edp_js},
                  {"simulation_wall_time_s", r.wall_time_s}};
  // Busy cycles and busy share of the run, per unit.
  const std::pair<const char*, int64_t> units[] = {{"pe_array", r.compute_cycles},
                                                   {"sfu", r.sfu_cycles},
                                                   {"dma_in", r.dma_in_cycles},
                                                   {"dma_out", r.dma_out_cycles},
                                                   {"dram", r.dram_busy_cycles}};
  OrderedJson busy, utilization;
  for (const auto& [unit, cycles] : units) {
    busy[unit] = cycles;
    utilization[unit] = share(cycles, r.cycles);
  }
  j["unit_busy_cycles"] = std::move(busy);
  j["unit_utilization"] = std::move(utilization);
  OrderedJson peak;
  for (int o = 0; o < 3; ++o) peak[kOperandNames[o]] = r.buffer_peak_bytes[o];
  j["buffer_peak_bytes"] = std::move(peak);
  j["technology"] = {{"node_nm", r.technology_nm}, {"table", r.tech_table}};
  j["energy_breakdown_j"] = breakdown_json(r.energy.components());
  j["energy_detail_j"] = {{"mac", r.energy.mac}, {"pe_to_pe", r.energy.pe_to_pe}};
  // Breakdowns add up to their total; the per-bank list is detail, as the MAC energy is.
  j["area_breakdown_mm2"] = breakdown_json(r.area.components());
  j["area_detail_mm2"] = {{"global_buffer_banks", r.area.buffer_banks}};
  OrderedJson layers = OrderedJson::array();
  for (const auto& l : r.layers) layers.push_back(layer_json(l, r));
  j["layers"] = std::move(layers);
  return json_text(j, 2) + "\n";
}

std::string layers_csv(const Report& r) {
  std::ostringstream out;
  out << "name,op,unit,bound,start_cycle,cycles,compute_cycles,sfu_cycles,stall_cycles,macs,"
         "utilization,dram_read_bytes,dram_write_bytes,sram_reads,sram_writes,dma_in_cycles,"
         "dma_out_cycles,exposed_sfu_cycles,energy_j\n";
  for (const auto& l : r.layers) {
    out << csv_field(l.name) << ',' << l.op << ',' << l.unit << ',' << l.bound << ','
        << l.start_cycle << ',' << l.cycles << ',' << l.compute_cycles << ',' << l.sfu_cycles << ','
        << l.stall_cycles << ',' << l.macs << ',' << l.utilization << ',' << l.dram_read_bytes
        << ',' << l.dram_write_bytes << ',' << l.sram_reads << ',' << l.sram_writes << ','
        << l.dma_in_cycles << ',' << l.dma_out_cycles << ',' << l.exposed_sfu_cycles << ','
        << l.energy_j << '\n';
  }
  return out.str();
}

std::string trace_json(const Report& r) {
  // Chrome trace-event format; timestamps in microseconds of simulated time.
  const double us_per_cycle = 1e-3 / r.clock_ghz;
  std::ostringstream out;
  out << std::setprecision(12) << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  int tid = 0;
  for (const char* track : kTraceTracks) {
    out << (tid ? ",\n" : "") << R"({"name":"thread_name","ph":"M","pid":1,"tid":)" << tid
        << R"(,"args":{"name":")" << track << "\"}}";
    ++tid;
  }
  for (const auto& e : r.trace) {
    OrderedJson name = r.layers[e.layer].name;
    out << ",\n{\"name\":" << json_text(name) << R"(,"ph":"X","pid":1,"tid":)" << e.track
        << ",\"ts\":" << e.start_cycle * us_per_cycle << ",\"dur\":" << e.cycles * us_per_cycle
        << "}";
  }
  out << "\n]}\n";
  return out.str();
}

void print_summary(std::ostream& out, const Report& r, bool per_layer) {
  out << "Duet simulation: " << r.workload << " on " << r.accelerator << " (" << r.pe_rows << "x"
      << r.pe_cols << " " << r.dataflow << ", " << r.clock_ghz << " GHz"
      << (r.ideal_memory ? ", ideal memory" : "") << ", " << r.schedule << ", " << r.fidelity
      << " fidelity)\n";
  out << std::fixed << std::setprecision(3);
  out << "  cycles        " << r.cycles << "\n";
  out << "  latency       " << r.latency_s * 1e3 << " ms\n";
  out << "  MACs          " << human_count(static_cast<double>(r.macs)) << "\n";
  out << "  utilization   " << r.utilization * 100 << " %\n";
  out << "  PE compute    " << r.compute_cycles << " cycles\n";
  out << "  SFU           " << r.sfu_cycles << " cycles ("
      << (r.cycles > 0 ? 100.0 * r.sfu_cycles / r.cycles : 0.0) << " % of cycles; " << r.sfu_kind
      << ", " << r.energy.sfu * 1e3 << " mJ, " << r.area.sfu << " mm2)\n";
  out << "  exposed SFU   " << r.exposed_sfu_cycles << " cycles ("
      << 100.0 * share(r.exposed_sfu_cycles, r.cycles) << " % of cycles, SFU work the PE array "
      << "did not hide)\n";
  out << "  stalls        " << r.stall_cycles << " cycles\n";
  out << "  busy          PE array " << 100.0 * share(r.compute_cycles, r.cycles) << " %, SFU "
      << 100.0 * share(r.sfu_cycles, r.cycles) << " %, DMA-in "
      << 100.0 * share(r.dma_in_cycles, r.cycles) << " %, DMA-out "
      << 100.0 * share(r.dma_out_cycles, r.cycles) << " %, DRAM "
      << 100.0 * share(r.dram_busy_cycles, r.cycles) << " %\n";
  out << "  DRAM read     " << human_count(static_cast<double>(r.dram_read_bytes)) << "B\n";
  out << "  DRAM write    " << human_count(static_cast<double>(r.dram_write_bytes)) << "B\n";
  out << "  energy        " << r.energy_j * 1e3 << " mJ  (" << shares(r.energy.components())
      << ")\n";
  out << "  power         " << r.avg_power_w * 1e3 << " mW average, " << r.on_chip_power_w * 1e3
      << " mW on chip, " << r.peak_power_w * 1e3 << " mW peak\n";
  out << "  area          " << r.area_mm2 << " mm2 at " << r.technology_nm << " nm  ("
      << shares(r.area.components()) << ")\n";
  out << "  EDP           " << std::scientific << std::setprecision(3) << r.edp_js << " J*s\n"
      << std::fixed;
  std::map<std::string, int> bounds;
  for (const auto& l : r.layers) ++bounds[l.bound];
  out << "  layers        " << r.layers.size() << " (";
  bool first = true;
  for (const auto& [bound, n] : bounds) {
    out << (first ? "" : ", ") << n << " " << bound;
    first = false;
  }
  out << ")\n";
  out << "  simulated in  " << r.wall_time_s << " s\n";
  if (!per_layer) return;
  out << "\n"
      << std::left << std::setw(28) << "layer" << std::setw(15) << "op" << std::setw(9) << "bound"
      << std::right << std::setw(12) << "cycles" << std::setw(12) << "compute" << std::setw(12)
      << "stall" << std::setw(8) << "util%" << std::setw(12) << "DRAM B" << std::setw(12)
      << "energy uJ"
      << "\n";
  for (const auto& l : r.layers) {
    out << std::left << std::setw(28) << l.name.substr(0, 27) << std::setw(15) << l.op
        << std::setw(9) << l.bound << std::right << std::setw(12) << l.cycles << std::setw(12)
        << l.compute_cycles + l.sfu_cycles << std::setw(12) << l.stall_cycles << std::setw(8)
        << std::setprecision(1) << l.utilization * 100 << std::setw(12)
        << human_count(static_cast<double>(l.dram_read_bytes + l.dram_write_bytes)) << std::setw(12)
        << std::setprecision(2) << l.energy_j * 1e6 << "\n";
  }
}

namespace {

// One output of a set: where it goes, and how it is committed.
struct PendingFile {
  std::string path;    // as the caller named it (for messages)
  std::string target;  // the file a symlink names, else `path`
  std::string temp;    // empty: written in place (a device or pipe, which a rename would replace)
  const std::string* content = nullptr;
};

bool write_whole(const std::string& file, const std::string& content) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out << content;
  out.flush();
  out.close();
  return !out.fail();
}

PendingFile plan_output(const std::string& path, const std::string& content, std::size_t k) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Through a symlink, the file it names is replaced, not the link.
  fs::path target = path;
  if (fs::is_symlink(target, ec)) {
    const fs::path resolved = fs::weakly_canonical(target, ec);
    if (!ec) target = resolved;
  }
  const fs::file_status status = fs::status(target, ec);
  if (fs::is_directory(status)) throw InputError(path + ": is a directory");
  PendingFile f{path, target.string(), "", &content};
  if (!fs::exists(status) || fs::is_regular_file(status))
    f.temp = f.target + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(k);
  return f;
}

}  // namespace

void create_output_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create the directory (" + ec.message() + ")");
}

void write_file_atomically(const std::string& path, const std::string& content) {
  write_files_atomically({{path, content}});
}

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<PendingFile> pending;
  for (std::size_t k = 0; k < files.size(); ++k)
    pending.push_back(plan_output(files[k].first, files[k].second, k));
  auto discard_temps = [&](std::size_t from) {
    for (std::size_t k = from; k < pending.size(); ++k)
      if (!pending[k].temp.empty()) std::remove(pending[k].temp.c_str());
  };
  // Every temporary first, then the devices: nothing is replaced until every write succeeded.
  for (const PendingFile& f : pending) {
    if (!f.temp.empty() && !write_whole(f.temp, *f.content)) {
      discard_temps(0);
      throw InputError(f.path +
                       ": cannot write file (does the directory exist, and is there space?)");
    }
  }
  for (const PendingFile& f : pending) {
    if (f.temp.empty() && !write_whole(f.target, *f.content)) {
      discard_temps(0);
      throw InputError(f.path + ": write failed");
    }
  }
  // Each file about to be replaced keeps a second name until the whole set is in place, so a
  // failed rename puts back the earlier files instead of leaving a half set.
  std::vector<std::string> backups(pending.size());
  auto drop_backups = [&] {
    for (const auto& b : backups)
      if (!b.empty()) std::remove(b.c_str());
  };
  for (std::size_t k = 0; k < pending.size(); ++k) {
    const PendingFile& f = pending[k];
    if (pending.size() < 2 || f.temp.empty() || !std::filesystem::exists(f.target)) continue;
    backups[k] = f.target + ".bak." + std::to_string(::getpid());
    std::error_code ec;
    std::filesystem::create_hard_link(f.target, backups[k], ec);
    if (ec) std::filesystem::copy_file(f.target, backups[k], ec);
    if (ec) {
      backups[k].clear();
      drop_backups();
      discard_temps(0);
      throw InputError(f.path + ": cannot keep the earlier file while replacing it (" +
                       ec.message() + ")");
    }
  }
  for (std::size_t k = 0; k < pending.size(); ++k) {
    const PendingFile& f = pending[k];
    if (f.temp.empty() || std::rename(f.temp.c_str(), f.target.c_str()) == 0) continue;
    discard_temps(k);
    for (std::size_t j = 0; j < k; ++j) {
      if (pending[j].temp.empty()) continue;
      if (backups[j].empty()) {
        std::remove(pending[j].target.c_str());  // it did not exist before this command
      } else {
        std::rename(backups[j].c_str(), pending[j].target.c_str());
        backups[j].clear();
      }
    }
    drop_backups();
    throw InputError(f.path + ": cannot write file");
  }
  drop_backups();
}

}  // namespace duet
