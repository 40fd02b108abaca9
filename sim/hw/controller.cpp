#include "sim/hw/controller.hpp"

namespace duet::hw {

Controller::Controller(sc_core::sc_module_name name) : sc_module(name), load_requests("load") {
  SC_HAS_PROCESS(Controller);
  SC_THREAD(run);
}

void Controller::start_job(Job* job) {
  job_ = job;
  start_.notify(sc_core::SC_ZERO_TIME);
}

void Controller::tile_stored(const TileRef& ref) {
  if (--job_->stats[ref.layer].tiles_left == 0) layer_done_.notify(sc_core::SC_ZERO_TIME);
}

void Controller::run() {
  while (true) {
    wait(start_);
    const auto& plans = *job_->plans;
    for (std::size_t i = 0; i < plans.size(); ++i) {
      LayerStats& stats = job_->stats[i];
      stats.start = job_->now();
      // Only this layer's tiles are alive: they are freed when its last one is stored.
      const std::vector<Tile> tiles = job_->layer_tiles(i);
      stats.tiles_left = static_cast<int64_t>(tiles.size());
      for (const Tile& tile : tiles) load_requests.write({static_cast<int>(i), &tile});
      while (stats.tiles_left > 0) wait(layer_done_);
      stats.end = job_->now();
      if (job_->options.progress)
        job_->options.progress(static_cast<int64_t>(i + 1), static_cast<int64_t>(plans.size()));
    }
    job_->finished = true;
  }
}

}  // namespace duet::hw
