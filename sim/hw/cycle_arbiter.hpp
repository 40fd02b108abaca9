#pragma once
// SystemC runs the processes woken in one cycle in an unspecified order, and the per-cycle PE
// array of `--fidelity cycle` wakes them in another order, or in other delta cycles, than the
// fast one. So wherever requests made in the same cycle compete, the winner is chosen once the
// cycle is quiet (every delta cycle of it has run and nothing is pending at the current time),
// by a fixed rule. One process watches for quiet moments and gives each to one kind of client,
// in a fixed order: the buffer grants slots and room, the store engine picks its next tile, the
// controller issues one. A client's turn may start more activity in the cycle; the next quiet
// moment goes to the next client waiting. (Only one process may wait for quiet: two would each
// see the other pending and never stop.) Where a fixed rule lets one kind of request go at once,
// its client need not wait for the cycle's end (the DRAM, dram.cpp, needs no turn at all).
#include <array>
#include <functional>
#include <systemc>

namespace duet::hw {

class CycleArbiter : public sc_core::sc_module {
 public:
  enum Turn { kBuffer, kStoreQueue, kController, kTurns };

  explicit CycleArbiter(sc_core::sc_module_name name) : sc_module(name) {
    SC_HAS_PROCESS(CycleArbiter);
    SC_METHOD(run);
    sensitive << requested_;
    dont_initialize();
  }
  // The turn comes in the first quiet moment of the cycle that no earlier turn claims. It runs
  // `decide` if one is set (it must not wait), else it resumes the processes in wait_turn.
  void on_turn(Turn turn, std::function<void()> decide) { decide_[turn] = std::move(decide); }
  void request(Turn turn) {
    requested_turn_[turn] = true;
    requested_.notify(sc_core::SC_ZERO_TIME);
  }
  void wait_turn(Turn turn) {
    if (quiet()) return;
    request(turn);
    sc_core::wait(go_[turn]);
  }
  // Nothing else is left to happen in this cycle, and no turn is asked for (it would be pending),
  // so the caller's turn is now.
  static bool quiet() { return !sc_core::sc_pending_activity_at_current_time(); }

 private:
  void run() {
    int turn = 0;
    while (turn < kTurns && !requested_turn_[turn]) ++turn;
    if (turn == kTurns) return;  // until requested
    if (sc_core::sc_pending_activity_at_current_time()) {
      next_trigger(sc_core::SC_ZERO_TIME);
      return;
    }
    requested_turn_[turn] = false;
    if (decide_[turn]) {
      decide_[turn]();
    } else {
      go_[turn].notify();  // its processes run in this delta cycle
    }
    next_trigger(sc_core::SC_ZERO_TIME);  // then the next turn, if any
  }

  std::array<bool, kTurns> requested_turn_{};
  std::array<std::function<void()>, kTurns> decide_;
  std::array<sc_core::sc_event, kTurns> go_;
  sc_core::sc_event requested_;
};

}  // namespace duet::hw
