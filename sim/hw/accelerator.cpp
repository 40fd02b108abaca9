#include "sim/hw/accelerator.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define DUET_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DUET_ASAN 1
#endif
#endif
#ifdef DUET_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace duet::hw {
namespace {

// SystemC's QuickThreads switch stacks behind AddressSanitizer's back, which leaves the redzones
// of frames that ran below this one during sc_start poisoned in ASan's shadow of this thread's
// stack; ASan then reports false stack-buffer-overflows in later frames. Clear the shadow of the
// dead stack below this frame after each kernel run, as ASan does before a longjmp. (Only the
// shadow is written, and it is mapped for every address.) __asan_handle_no_return would do the
// same, but ASan ignores it in forked dataset workers.
void forget_coroutine_frames() {
#ifdef DUET_ASAN
  char here = 0;
  constexpr std::uintptr_t kBelow = std::uintptr_t{1} << 20;
  const std::uintptr_t top = reinterpret_cast<std::uintptr_t>(&here);
  __asan_unpoison_memory_region(reinterpret_cast<void*>(top - kBelow), kBelow);
#endif
}

}  // namespace

Accelerator& Accelerator::instance() {
  static Accelerator* accelerator = [] {
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
    auto* a = new Accelerator("duet");
    // Let every thread reach its first wait, so the first job's start event is seen.
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    forget_coroutine_frames();
    return a;
  }();
  return *accelerator;
}

Accelerator::Accelerator(sc_core::sc_module_name name) : sc_module(name) {
  controller_.load_requests(load_queue_);
  dma_.load_requests(load_queue_);
  dma_.to_pe_array(pe_queue_);
  dma_.to_sfu(sfu_queue_);
  dma_.socket.bind(dram_.socket);
  pe_array_.tiles(pe_queue_);
  sfu_.tiles(sfu_queue_);
  dma_.on_stored = [this](const TileRef& ref) { controller_.tile_stored(ref); };
  controller_.dma_idle = [this] { return dma_.awaiting_request(); };
  controller_.buffer_takes = [this](const TileRef& ref) { return buffer_.takes_at_once(ref); };
}

void Accelerator::run(Job& job) {
  job.origin = to_cycles(sc_core::sc_time_stamp());
  job.stats.assign(job.plans->size(), LayerStats{});
  job.activity.reset(0, job.plans->size());
  buffer_.start_job(&job);
  dram_.start_job(&job);
  dma_.start_job(&job);
  pe_array_.start_job(&job);
  sfu_.start_job(&job);
  job.wake = [this] { controller_.wake(); };
  controller_.start_job(&job);
  sc_core::sc_start();
  forget_coroutine_frames();
  job.activity.finish(job.now());
  pe_array_.finish_job();
  sfu_.finish_job();
  job.buffer_peak_bytes = buffer_.peak_bytes();
  if (job.finished && !buffer_.empty())
    throw std::logic_error(
        "the global buffer still holds bytes after the run: a tile's load or "
        "store was not released");
  // The kernel also returns when no event is left: a deadlock would otherwise give a silently
  // partial report.
  if (!job.finished) {
    std::size_t layer = 0;
    while (layer < job.stats.size() && job.stats[layer].tiles_left == 0) ++layer;
    throw std::logic_error("the simulation stopped before its end (layer " + std::to_string(layer) +
                           " of " + std::to_string(job.stats.size()) +
                           " has unfinished tiles): a deadlock in the hardware model");
  }
}

}  // namespace duet::hw
