#include "sim/hw/dma.hpp"

namespace duet::hw {

Dma::Dma(sc_core::sc_module_name name, GlobalBuffer& buffer, CycleArbiter& arbiter)
    : sc_module(name), socket("socket"), buffer_(buffer), store_requests_(arbiter) {
  SC_HAS_PROCESS(Dma);
  SC_THREAD(load_engine);
  SC_THREAD(store_engine);
  arriving_.deliver = [this](const TileRef& ref) { loaded(ref); };
  acknowledged_.deliver = [this](const TileRef& ref) { on_stored(ref); };
}

sc_core::sc_time Dma::transfer(tlm::tlm_command command, int layer, int64_t bytes) {
  if (bytes <= 0) return sc_core::sc_time_stamp();
  // Timing-only payload: the model moves byte counts, not data.
  static unsigned char no_data = 0;
  tlm::tlm_generic_payload payload;
  payload.set_command(command);
  payload.set_address(static_cast<sc_dt::uint64>(layer));
  payload.set_data_ptr(&no_data);
  payload.set_data_length(static_cast<unsigned>(bytes));
  payload.set_streaming_width(static_cast<unsigned>(bytes));
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(payload, delay);
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  const int64_t latency = job_->options.ideal_memory ? 0 : job_->config->dram_latency_cycles();
  // A load returns from the DRAM once its transfer has ended (dram.cpp says why).
  const sc_core::sc_time end = arrival - cycles(latency);
  if (end > sc_core::sc_time_stamp()) wait(end - sc_core::sc_time_stamp());
  LayerStats& s = job_->stats[layer];
  (command == tlm::TLM_READ_COMMAND ? s.dram_read_bytes : s.dram_write_bytes) += bytes;
  ++s.dma_transfers;
  return arrival;
}

void Dma::load_engine() {
  while (true) {
    awaiting_request_ = true;
    if (job_ != nullptr) job_->state_changed();
    TileRef ref = load_requests.read();
    awaiting_request_ = false;
    buffer_.acquire_input(ref);
    const int64_t start = job_->now();
    job_->activity.start(UnitActivity::kDmaIn, ref.layer, start);
    // The energy and buffer writes of the part this request moves.
    Tile moved;
    moved.load_bytes = ref.load_bytes();
    const sc_core::sc_time arrival =
        transfer(tlm::TLM_READ_COMMAND, ref.layer, moved.total_load_bytes());
    job_->activity.stop(UnitActivity::kDmaIn, job_->now());
    job_->stats[ref.layer].dma_in_cycles += job_->now() - start;
    job_->record(kTraceDmaIn, ref.layer, start, job_->now() - start);
    job_->record_activity(PowerProfile::Activity::kLoad, moved, start, job_->now() - start);
    buffer_.count_load(ref);
    arriving_.push(arrival, ref);
  }
}

void Dma::loaded(const TileRef& ref) {
  if (ref.part == LoadPart::kWeights) return;  // the rest of the tile follows later
  const Unit unit = (*job_->plans)[ref.layer].unit;
  if (unit == Unit::kSfu) {
    to_sfu.write(ref);
  } else if (unit == Unit::kPeArray) {
    to_pe_array.write(ref);
  } else {
    job_->unit_took(unit);
    // Memory-only layers (embedding gathers) go straight back out.
    buffer_.acquire_output(ref);
    buffer_.release_input(ref);
    job_->state_changed();
    store(ref);
  }
}

void Dma::store_engine() {
  while (true) {
    TileRef ref = store_requests_.pop();
    const int64_t start = job_->now();
    job_->activity.start(UnitActivity::kDmaOut, ref.layer, start);
    const sc_core::sc_time ack = transfer(tlm::TLM_WRITE_COMMAND, ref.layer, ref.tile->store_bytes);
    job_->activity.stop(UnitActivity::kDmaOut, job_->now());
    job_->stats[ref.layer].dma_out_cycles += job_->now() - start;
    job_->record(kTraceDmaOut, ref.layer, start, job_->now() - start);
    job_->record_activity(PowerProfile::Activity::kStore, *ref.tile, start, job_->now() - start);
    buffer_.count_store(ref);
    // The data has left the buffer; the layer is done only once DRAM acknowledges it.
    buffer_.release_output(ref);
    acknowledged_.push(ack, ref);
  }
}

}  // namespace duet::hw
