#include "sim/hw/controller.hpp"

namespace duet::hw {

Controller::Controller(sc_core::sc_module_name name, CycleArbiter& arbiter)
    : sc_module(name), load_requests("load"), arbiter_(arbiter) {
  SC_HAS_PROCESS(Controller);
  SC_THREAD(run);
}

void Controller::start_job(Job* job) {
  job_ = job;
  start_.notify(sc_core::SC_ZERO_TIME);
}

void Controller::tile_stored(const TileRef& ref) {
  LayerStats& stats = job_->stats[ref.layer];
  if (job_->config->schedule == Schedule::kOverlap) {
    stored_prefix_[ref.layer] = ref.tile->done_prefix;
    stored_since_views_ = true;
    if (--stats.tiles_left == 0) complete(ref.layer);
    wake();
    return;
  }
  if (--stats.tiles_left == 0) layer_done_.notify(sc_core::SC_ZERO_TIME);
}

void Controller::run() {
  while (true) {
    wait(start_);
    if (job_->config->schedule == Schedule::kOverlap) {
      run_overlap();
    } else {
      run_sequential();
    }
    job_->finished = true;
  }
}

void Controller::run_sequential() {
  const auto& plans = *job_->plans;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    LayerStats& stats = job_->stats[i];
    stats.start = job_->now();
    // Only this layer's tiles are alive: they are freed when its last one is stored.
    const std::vector<Tile> tiles = job_->layer_tiles(i);
    stats.tiles_left = static_cast<int64_t>(tiles.size());
    const auto unit = static_cast<std::size_t>(plans[i].unit);
    for (const Tile& tile : tiles) {
      ++job_->waiting[unit];  // as in overlap, so that the units' counts stay true
      load_requests.write({static_cast<int>(i), &tile});
    }
    while (stats.tiles_left > 0) wait(layer_done_);
    stats.end = job_->now();
    if (job_->options.progress)
      job_->options.progress(static_cast<int64_t>(i + 1), static_cast<int64_t>(plans.size()));
  }
}

void Controller::complete(int layer) {
  const auto& plans = *job_->plans;
  complete_[layer] = 1;
  stored_prefix_[layer] = plans[layer].output_elements;
  job_->stats[layer].end = job_->now();
  ++completed_;
  if (job_->options.progress)
    job_->options.progress(completed_, static_cast<int64_t>(plans.size()));
}

// Every source holds the prefix of its output that the tile reads.
bool Controller::ready(WindowLayer& w, std::size_t tile) {
  const LayerPlan& plan = (*job_->plans)[w.layer];
  if (w.needed_for != tile) {
    w.needed_for = tile;
    w.needed.clear();
    for (const LayerPlan::Source& s : plan.sources) {
      const int64_t den = plan.need_den[s.input];
      if (s.whole || den == 0 || w.tiles.empty()) {
        w.needed.push_back(-1);
        continue;
      }
      const int64_t total = (*job_->plans)[s.layer].output_elements;
      const auto share = static_cast<__int128>(total) * w.tiles[tile].need[s.input];
      w.needed.push_back(static_cast<int64_t>((share + den - 1) / den));
    }
  }
  for (std::size_t k = 0; k < plan.sources.size(); ++k) {
    const int source = plan.sources[k].layer;
    if (complete_[source]) continue;
    if (w.needed[k] < 0 || stored_prefix_[source] < w.needed[k]) return false;
  }
  return true;
}

// The next tile to issue, among the window's layers whose next tile is ready, that the buffer
// takes at once (a free slot of its unit, room in the partitions), that do not break into
// another layer's PE fold, and that are not memory-bound behind a memory-bound layer. The unit with
// the least work in hand (waiting plus computing) goes first, so that a freed slot feeds an idle
// unit rather than queue behind a busy one; then the oldest layer, so that the window moves on.
Controller::WindowLayer* Controller::pick(std::deque<WindowLayer>& window) {
  WindowLayer* best = nullptr;
  int best_load = 0;
  bool older_memory_bound = false;
  for (WindowLayer& w : window) {
    // Two memory-bound layers keep sequential order: the channel bounds both, so overlapping
    // them hides little, and the younger one's transfers would delay the older one's.
    const bool behind_memory_bound = older_memory_bound && w.memory_bound;
    older_memory_bound |= w.memory_bound && !complete_[w.layer];
    if (w.next == w.tiles.size() || behind_memory_bound) continue;
    const Unit unit = (*job_->plans)[w.layer].unit;
    const auto u = static_cast<std::size_t>(unit);
    if (unit == Unit::kPeArray && open_fold_layer_ >= 0 && open_fold_layer_ != w.layer) continue;
    const int load = job_->waiting[u] + job_->running[u];
    if (best != nullptr && load >= best_load) continue;
    if (!buffer_takes({w.layer, &w.tiles[w.next], next_part(w)})) continue;
    // A PE fold starts only when all of its chunks can follow: the array keeps it until its
    // end, so a chunk waiting on a layer that needs the array would never come.
    std::size_t last = w.next;
    if (unit == Unit::kPeArray) {
      if (w.fold_last < w.next || !w.tiles[w.fold_last].fold_end) {
        w.fold_last = w.next;
        while (!w.tiles[w.fold_last].fold_end) ++w.fold_last;
      }
      last = w.fold_last;
    }
    if (!ready(w, last)) continue;
    best = &w;
    best_load = load;
  }
  return best;
}

// While no tile is ready, the DMA may load the first weights of a PE layer that waits for its
// inputs, if every older layer has issued all its tiles and none of them is memory-bound and
// incomplete (the load would delay its stores: VGG-16 on `tpu-v1-like` lost 1 cycle to
// sequential). Its tile then holds an input slot of the PE array until computed, which would
// leave an older PE layer single-buffered (measured: BERT-base on `mobile` 1.5% slower when any
// waiting layer could prefetch); hence that condition, one prefetch at a time, and double
// buffering only. Only weights that are parameters qualify (a matmul's second operand is
// another layer's output).
Controller::WindowLayer* Controller::weights_to_prefetch(std::deque<WindowLayer>& window) {
  if (prefetch_waiting_ || !job_->config->double_buffered) return nullptr;
  bool older_memory_bound = false;
  for (WindowLayer& w : window) {
    const LayerPlan& plan = (*job_->plans)[w.layer];
    // Its load would take the channel from an older layer whose stores bound it.
    if (older_memory_bound) return nullptr;
    older_memory_bound = w.memory_bound && !complete_[w.layer];
    if (w.next == w.tiles.size()) continue;
    if (plan.unit != Unit::kPeArray || w.next != 0 || w.weights_prefetched ||
        w.tiles[0].load_bytes[kFilter] == 0)
      return nullptr;
    for (const LayerPlan::Source& s : plan.sources) {
      if (s.input == 1) return nullptr;
    }
    return &w;
  }
  return nullptr;
}

// The layer whose first weights the DMA would load now, if any.
Controller::WindowLayer* Controller::prefetchable(std::deque<WindowLayer>& window) {
  WindowLayer* p = weights_to_prefetch(window);
  if (p == nullptr || !buffer_takes({p->layer, &p->tiles[0], LoadPart::kWeights})) return nullptr;
  return p;
}

// The controller's own estimate: the layer's transfers would keep the channel busier than its
// tiles keep their unit (latencies and stalls ignored).
bool Controller::memory_bound(const std::vector<Tile>& tiles) const {
  double bytes = 0, busy = 0;
  for (const Tile& t : tiles) {
    bytes += static_cast<double>(t.total_load_bytes() + t.store_bytes);
    busy += static_cast<double>(t.compute_cycles);
  }
  return bytes / job_->config->dram_bytes_per_cycle() > busy;
}

LoadPart Controller::next_part(const WindowLayer& w) {
  return w.next == 0 && w.weights_prefetched ? LoadPart::kRest : LoadPart::kWhole;
}

void Controller::issue(WindowLayer& w) {
  const LoadPart part = next_part(w);
  if (part == LoadPart::kRest) prefetch_waiting_ = false;
  const Tile& tile = w.tiles[w.next++];
  const Unit unit = (*job_->plans)[w.layer].unit;
  if (w.next == 1) job_->stats[w.layer].start = job_->now();
  if (unit == Unit::kPeArray) {
    if (tile.fold_start) open_fold_layer_ = w.layer;
    if (tile.fold_end) open_fold_layer_ = -1;
  }
  ++job_->waiting[static_cast<std::size_t>(unit)];
  load_requests.write({w.layer, &tile, part});
}

void Controller::run_overlap() {
  const auto& plans = *job_->plans;
  const int n = static_cast<int>(plans.size());
  stored_prefix_.assign(plans.size(), 0);
  complete_.assign(plans.size(), 0);
  completed_ = 0;
  open_fold_layer_ = -1;
  prefetch_waiting_ = false;
  stored_since_views_ = true;
  std::deque<WindowLayer> window;  // deque: tiles stay put while in flight
  int admitted = 0;
  bool in_turn = false;  // this pass runs in the controller's turn (cycle_arbiter.hpp)
  while (completed_ < n) {
    // Layers finished at the front leave (their tiles are all stored); new ones enter.
    while (!window.empty() && complete_[window.front().layer]) window.pop_front();
    while (admitted < n && (window.empty() || admitted - window.front().layer < kWindowLayers)) {
      WindowLayer w;
      w.layer = admitted++;
      stored_since_views_ = true;  // a view entering may already be complete
      w.tiles = job_->layer_tiles(static_cast<std::size_t>(w.layer));
      w.memory_bound = memory_bound(w.tiles);
      job_->stats[w.layer].tiles_left = static_cast<int64_t>(w.tiles.size());
      window.push_back(std::move(w));
    }
    // Views and fused layers have no tiles (and no need_den): they are done when their
    // sources are.
    if (stored_since_views_) {
      bool progressed = false;
      for (WindowLayer& w : window) {
        if (w.tiles.empty() && !complete_[w.layer] && ready(w, 0)) {
          job_->stats[w.layer].start = job_->now();
          complete(w.layer);
          progressed = true;
        }
      }
      if (progressed) continue;  // a completed view may complete others
      stored_since_views_ = false;
    }
    // A tile is issued only when the DMA would start loading it at once, and only once every
    // event of the current cycle has landed (stores acknowledged, slots freed; the controller's
    // turn in cycle_arbiter.hpp): the choice is made as late as it can be, with all that is known.
    // (The DMA tells the controller when it next waits for a request.)
    if (load_requests->num_free() < kLoadQueueDepth || !dma_idle()) {
      in_turn = false;
      wait(changed_);
      continue;
    }
    if (!in_turn && !CycleArbiter::quiet()) {
      // Nothing to issue yet: wait for a change, not for the turn. Whatever frees a slot or
      // room, stores a tile or idles the DMA wakes the controller, so nothing is missed.
      if (pick(window) == nullptr && prefetchable(window) == nullptr) {
        wait(changed_);
        continue;
      }
      arbiter_.wait_turn(CycleArbiter::kController);
      in_turn = true;
      continue;
    }
    in_turn = false;
    if (WindowLayer* w = pick(window)) {
      issue(*w);
    } else if (WindowLayer* p = prefetchable(window)) {
      p->weights_prefetched = prefetch_waiting_ = true;
      load_requests.write({p->layer, &p->tiles[0], LoadPart::kWeights});
    } else {
      wait(changed_);
    }
  }
}

}  // namespace duet::hw
