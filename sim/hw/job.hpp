#pragma once
// The per-run data every hardware module reads: the accelerator's parameters, the mapped
// layers, and the statistics the modules record. Modules are elaborated once; a job is data.
#include <array>
#include <functional>
#include <systemc>
#include <vector>

#include "sim/accelerator_config.hpp"
#include "sim/cost/power_profile.hpp"
#include "sim/hw/unit_activity.hpp"
#include "sim/layer_plan.hpp"
#include "sim/report.hpp"
#include "sim/simulate.hpp"

namespace duet::hw {

// One accelerator cycle is one nanosecond of SystemC time, whatever the clock; reports convert
// cycles to seconds with the configured clock. This keeps every event on an exact integer cycle.
inline sc_core::sc_time cycles(int64_t n) {
  return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS);
}
inline int64_t to_cycles(const sc_core::sc_time& t) {
  // Built on first use, after elaboration has fixed the time resolution.
  static const sc_core::sc_time::value_type one_ns = sc_core::sc_time(1, sc_core::SC_NS).value();
  return static_cast<int64_t>(t.value() / one_ns);
}

struct LayerStats {
  int64_t start = 0;
  int64_t end = 0;
  int64_t pe_cycles = 0;
  int64_t sfu_cycles = 0;
  int64_t dram_read_bytes = 0;
  int64_t dram_write_bytes = 0;
  int64_t dram_busy_cycles = 0;
  ComputeActivity work;            // what the PE array / SFU did
  PerOperand buffer_read_bytes{};  // compute unit and DMA together
  PerOperand buffer_write_bytes{};
  PerOperand buffer_reads{};  // bank-width accesses
  PerOperand buffer_writes{};
  int64_t dma_transfers = 0;
  int64_t dma_in_cycles = 0;  // loads occupying (or waiting for) the DRAM channel
  int64_t dma_out_cycles = 0;
  int64_t tiles_left = 0;
};

struct Job {
  const AcceleratorConfig* config = nullptr;
  const std::vector<LayerPlan>* plans = nullptr;
  // Builds a layer's tiles when the controller reaches it (mapper.hpp's layer_tiles).
  std::function<std::vector<Tile>(std::size_t layer)> layer_tiles;
  SimOptions options;
  std::vector<LayerStats> stats;
  bool finished = false;  // the controller walked every layer to its end
  std::vector<TraceEvent> trace;
  PowerProfile* power = nullptr;   // every tile's activity, for peak power
  UnitActivity activity;           // when each unit is busy
  PerOperand buffer_peak_bytes{};  // the most each buffer partition held at once
  // Tiles issued to each unit (by Unit) that the unit has not taken yet, and the controller's
  // wake-up when that changes (the overlap schedule keeps each unit's queue short).
  std::array<int, 4> waiting{};
  std::array<int, 4> running{};  // tiles each unit is computing (0 or 1)
  std::function<void()> wake;
  // No wake-up: a unit taking a tile frees no slot and no room, so it makes no tile issuable
  // (its compute's end does, and wakes the controller then).
  void unit_took(Unit unit) { --waiting[static_cast<std::size_t>(unit)]; }
  // A buffer slot or room was freed, a tile was stored, or the DMA wants a request.
  void state_changed() {
    if (wake) wake();
  }
  int64_t origin = 0;  // absolute cycle at which the job started

  int64_t now() const { return to_cycles(sc_core::sc_time_stamp()) - origin; }
  void record(TraceTrack track, int layer, int64_t start, int64_t length) {
    if (options.trace && length > 0) trace.push_back({track, layer, start, length});
  }
  void record_activity(PowerProfile::Activity activity, const Tile& tile, int64_t start,
                       int64_t length) {
    power->add(activity, tile, start, length);
  }
};

// What travels between modules: a tile of a layer, and which part of its load a DMA request
// moves. The overlap schedule may prefetch a layer's first weights before its inputs are final,
// and load the rest later.
enum class LoadPart : uint8_t { kWhole, kWeights, kRest };
struct TileRef {
  int layer = -1;
  const Tile* tile = nullptr;
  LoadPart part = LoadPart::kWhole;

  // The bytes this request loads into each partition.
  PerOperand load_bytes() const {
    PerOperand b = tile->load_bytes;
    if (part == LoadPart::kWeights) b = {0, b[kFilter], 0};
    if (part == LoadPart::kRest) b[kFilter] = 0;
    return b;
  }
};
inline std::ostream& operator<<(std::ostream& os, const TileRef& t) {
  return os << "tile(layer " << t.layer << ")";
}

}  // namespace duet::hw
