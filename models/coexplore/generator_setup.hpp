#pragma once
// Private to models/coexplore/*.cpp (includes libtorch): a study's hardware generator, built
// once in <out>/generator/ and shared by every point. Labels (the evaluator's best hardware of
// sampled networks, by exhaustive grid search) are written in chunks, so a killed run resumes;
// then the generator is trained and checked on held-out networks against the exhaustive
// optimum, re-simulated (generator/check.json).
#include <string>

#include "models/coexplore/generator.hpp"
#include "models/coexplore/point_runner.hpp"

namespace duet::coexplore {

std::string generator_path(const StudyContext& context);
void prepare_generator(const StudyContext& context);
HardwareGenerator load_study_generator(const StudyContext& context);

}  // namespace duet::coexplore
