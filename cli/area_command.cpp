#include <algorithm>
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "sim/accelerator_config.hpp"
#include "sim/cost/cost_report.hpp"
#include "sim/report_writer.hpp"
#include "workloads/json_reader.hpp"

namespace po = boost::program_options;

namespace duet::cli {

int area_command(int argc, char** argv) {
  std::string arch, tech, out;
  po::options_description opts(
      "duet area: the accelerator's area breakdown, without a workload\n\n"
      "usage: duet area --arch configs/accel/mobile.json [--tech my-table.json]\n\noptions");
  opts.add_options()("help,h", "show this help")(
      "arch", po::value(&arch)->default_value("mobile"),
      "accelerator: a JSON config, a SCALE-Sim .cfg, or a shipped name")(
      "tech", po::value(&tech), "technology table (default: configs/tech/<technology_nm>nm.json)")(
      "out", po::value(&out), "also write the breakdown as JSON");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  check_output_paths(given_outputs(vm, {"out"}), {arch, tech});

  const AcceleratorConfig config = load_accelerator(arch);
  const CostModel model = cost_model_for(config, tech);
  const AreaBreakdown& area = model.area();
  std::cout << "Duet area: " << config.name << " at " << model.tech().node_nm << " nm ("
            << model.tech().path << ")\n"
            << std::fixed << std::setprecision(4);
  auto parts = area.components();
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [name, mm2] : parts) {
    std::cout << "  " << std::left << std::setw(16) << name << std::right << std::setw(12) << mm2
              << " mm2  " << std::setw(6) << std::setprecision(1) << 100 * mm2 / area.total()
              << " %\n"
              << std::setprecision(4);
  }
  std::cout << "  " << std::left << std::setw(16) << "total" << std::right << std::setw(12)
            << area.total() << " mm2\n";
  std::cout << "  global buffer: " << area.buffer_banks.size() << " banks of "
            << (area.buffer_banks.empty() ? 0.0 : area.buffer_banks[0]) << " mm2\n";
  if (!out.empty()) {
    nlohmann::ordered_json j;
    j["accelerator"] = config.name;
    j["technology"] = {{"node_nm", model.tech().node_nm}, {"table", model.tech().path}};
    for (const auto& [name, mm2] : area.components()) j["area_breakdown_mm2"][name] = mm2;
    j["area_detail_mm2"] = {{"global_buffer_banks", area.buffer_banks}};
    j["area_mm2"] = area.total();
    write_file_atomically(out, json_text(j, 2) + "\n");
  }
  return 0;
}

}  // namespace duet::cli
