#pragma once
// Issues tiles to the DMA in one of two schedules (docs/architecture.md, "Schedules").
// sequential: builds a layer's tiles, issues them, waits until the layer's last tile is stored,
// frees them, then starts the next layer.
// overlap: keeps a window of layers and, whenever the DMA could start a load at once, issues
// one ready tile: first for the unit with the least work in hand, then from the oldest layer;
// a memory-bound layer waits while an older memory-bound layer is incomplete.
#include <cstdint>
#include <deque>
#include <functional>
#include <systemc>
#include <vector>

#include "sim/hw/cycle_arbiter.hpp"
#include "sim/hw/job.hpp"

namespace duet::hw {

class Controller : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_out<TileRef> load_requests;
  // The DMA's load engine waits for a request.
  std::function<bool()> dma_idle;
  // The buffer would take the request at once: a free input slot of its unit, and room.
  std::function<bool(const TileRef&)> buffer_takes;

  // Layers the overlap schedule looks ahead over (views and fused layers included).
  static constexpr int kWindowLayers = 8;
  static constexpr int kLoadQueueDepth = 2;

  Controller(sc_core::sc_module_name name, CycleArbiter& arbiter);
  void start_job(Job* job);
  void tile_stored(const TileRef& ref);
  void wake() { changed_.notify(sc_core::SC_ZERO_TIME); }

 private:
  struct WindowLayer {
    int layer = 0;
    std::vector<Tile> tiles;
    std::size_t next = 0;             // the next tile to issue
    std::size_t fold_last = 0;        // PE layers: the last tile of the fold `next` belongs to
    bool weights_prefetched = false;  // its first tile's weights are in the buffer
    bool memory_bound = false;        // its transfers take the channel longer than its unit
    // Per source, the output prefix tile `needed_for` reads (-1: all of it), kept between
    // passes because the controller asks again until the tile issues.
    std::size_t needed_for = SIZE_MAX;
    std::vector<int64_t> needed;
  };

  void run();
  void run_sequential();
  void run_overlap();
  void complete(int layer);
  bool ready(WindowLayer& w, std::size_t tile);
  WindowLayer* pick(std::deque<WindowLayer>& window);
  WindowLayer* weights_to_prefetch(std::deque<WindowLayer>& window);
  WindowLayer* prefetchable(std::deque<WindowLayer>& window);
  void issue(WindowLayer& w);
  static LoadPart next_part(const WindowLayer& w);
  bool memory_bound(const std::vector<Tile>& tiles) const;

  CycleArbiter& arbiter_;
  Job* job_ = nullptr;
  sc_core::sc_event start_;
  sc_core::sc_event layer_done_;
  sc_core::sc_event changed_;
  // Overlap schedule: per layer, the output prefix stored so far and whether it is complete.
  std::vector<int64_t> stored_prefix_;
  std::vector<char> complete_;
  int completed_ = 0;
  int open_fold_layer_ = -1;        // a PE fold is in progress: its layer keeps the PE array
  bool stored_since_views_ = true;  // a tile was stored since views were last checked
  bool prefetch_waiting_ = false;   // a layer's weights are loaded and its inputs are not
};

}  // namespace duet::hw
