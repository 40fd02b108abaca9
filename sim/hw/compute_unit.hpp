#pragma once
// What the PE array and the SFU share: take a loaded tile, claim an output slot, compute, free
// the input slot and hand the tile to the store engine. Subclasses say how long computing takes.
#include <systemc>

#include "sim/hw/delay_line.hpp"
#include "sim/hw/dma.hpp"
#include "sim/hw/global_buffer.hpp"
#include "sim/hw/job.hpp"

namespace duet::hw {

class ComputeUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<TileRef> tiles;

  ComputeUnit(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma, TraceTrack track);
  virtual void start_job(Job* job) {
    job_ = job;
    results_at_ = 0;
    draining_slice_ = {};
  }
  // Records the trace slice of a tile still draining at the job's end.
  void finish_job() { end_draining_slice(job_->now()); }

 protected:
  // How long a tile keeps the unit: `occupied` cycles during which no other tile can enter,
  // then `drain` cycles in which its last results leave the pipeline while the next tile
  // may already enter.
  struct Busy {
    int64_t occupied = 0;
    int64_t drain = 0;
  };
  // Advances simulated time by the tile's occupancy.
  virtual Busy compute(const TileRef& ref) = 0;
  // Adds the cycles to the unit's counter for the layer.
  virtual void account(LayerStats& stats, int64_t cycles) = 0;
  Job* job_ = nullptr;

 private:
  void run();
  GlobalBuffer& buffer_;
  Dma& dma_;
  TraceTrack track_;
  DelayLine draining_{"draining"};  // tiles whose results are still in the pipeline
  int64_t results_at_ = 0;          // when the previous tile's results are all out
  int results_layer_ = 0;
  TraceEvent draining_slice_;  // the last tile's, while it may still be cut short
  void end_draining_slice(int64_t now);
};

}  // namespace duet::hw
