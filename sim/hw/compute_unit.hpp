#pragma once
// What the PE array and the SFU share: take a loaded tile, claim an output slot, compute, free
// the input slot and hand the tile to the store engine. Subclasses say how long computing takes.
#include <systemc>

#include "sim/hw/dma.hpp"
#include "sim/hw/global_buffer.hpp"
#include "sim/hw/job.hpp"

namespace duet::hw {

class ComputeUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<TileRef> tiles;

  ComputeUnit(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma, TraceTrack track);
  virtual void start_job(Job* job) { job_ = job; }

 protected:
  // Advances simulated time by the tile's compute and returns the cycles it took.
  virtual int64_t compute(const TileRef& ref) = 0;
  // Adds the cycles to the unit's counter for the layer.
  virtual void account(LayerStats& stats, int64_t cycles) = 0;
  Job* job_ = nullptr;

 private:
  void run();
  GlobalBuffer& buffer_;
  Dma& dma_;
  TraceTrack track_;
};

}  // namespace duet::hw
