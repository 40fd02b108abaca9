#pragma once
// A counting semaphore whose size is set per job (sc_semaphore's is fixed at construction,
// but single vs double buffering is a per-job parameter).
#include <systemc>

namespace duet::hw {

class SlotPool {
 public:
  void reset(int slots) { free_ = slots; }
  int available() const { return free_; }
  void acquire() {
    while (free_ == 0) sc_core::wait(freed_);
    --free_;
  }
  void release() {
    ++free_;
    freed_.notify(sc_core::SC_ZERO_TIME);
  }

 private:
  int free_ = 0;
  sc_core::sc_event freed_;
};

}  // namespace duet::hw
