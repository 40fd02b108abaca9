#pragma once
// The whole accelerator, elaborated once per process. Jobs run through it one after another.
#include <memory>

#include "sim/hw/controller.hpp"
#include "sim/hw/cycle_arbiter.hpp"
#include "sim/hw/dma.hpp"
#include "sim/hw/dram.hpp"
#include "sim/hw/global_buffer.hpp"
#include "sim/hw/job.hpp"
#include "sim/hw/pe_array.hpp"
#include "sim/hw/sfu.hpp"

namespace duet::hw {

class Accelerator : public sc_core::sc_module {
 public:
  // The single instance; elaborates the model on first use.
  static Accelerator& instance();
  // Runs the job to completion (sc_start returns when every module is idle).
  void run(Job& job);

 private:
  explicit Accelerator(sc_core::sc_module_name name);

  sc_core::sc_fifo<TileRef> load_queue_{"load_queue", Controller::kLoadQueueDepth};
  sc_core::sc_fifo<TileRef> pe_queue_{"pe_queue", 1};
  sc_core::sc_fifo<TileRef> sfu_queue_{"sfu_queue", 1};
  CycleArbiter arbiter_{"arbiter"};
  Controller controller_{"controller", arbiter_};
  GlobalBuffer buffer_{"global_buffer", arbiter_};
  Dram dram_{"dram"};
  Dma dma_{"dma", buffer_, arbiter_};
  PeArray pe_array_{"pe_array", buffer_, dma_};
  Sfu sfu_{"sfu", buffer_, dma_};
};

}  // namespace duet::hw
