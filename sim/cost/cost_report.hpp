#pragma once
// Fills a report's energy, power and area from the run's activity and power profile.
#include "sim/cost/cost_model.hpp"
#include "sim/cost/power_profile.hpp"
#include "sim/report.hpp"

namespace duet {

// The cost model for a config: its --tech table, or the shipped one for its technology_nm.
// Tables are parsed once per path and process.
CostModel cost_model_for(const AcceleratorConfig& config, const std::string& tech_path);

void attach_costs(const CostModel& model, const PowerProfile& power, Report& report);

}  // namespace duet
