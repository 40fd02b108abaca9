// Recasting plans (docs/recasting.md), checked against every teacher; a plan that loads must
// give a student spec.
#include "fuzz_input.hpp"
#include "models/recast/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = duet::fuzz::input_file(data, size, ".json");
  for (const std::string& name : duet::recast::teacher_names()) {
    const duet::recast::NetworkSpec teacher = duet::recast::teacher_spec(name);
    duet::fuzz::refused_or_loaded([&] {
      const duet::recast::RecastPlan plan = duet::recast::load_plan(path, teacher);
      duet::recast::student_spec(teacher, plan);
    });
  }
  return 0;
}
