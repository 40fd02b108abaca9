#pragma once
// Walks the layer schedule: builds a layer's tiles, issues them to the DMA, waits until the
// layer's last tile is stored, frees them, then starts the next layer.
#include <systemc>

#include "sim/hw/job.hpp"

namespace duet::hw {

class Controller : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_out<TileRef> load_requests;

  explicit Controller(sc_core::sc_module_name name);
  void start_job(Job* job);
  void tile_stored(const TileRef& ref);

 private:
  void run();
  Job* job_ = nullptr;
  sc_core::sc_event start_;
  sc_core::sc_event layer_done_;
};

}  // namespace duet::hw
