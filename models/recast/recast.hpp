#pragma once
// Network recasting (Yu, Kang and Choi, AAAI 2019) on Fashion-MNIST: train a teacher, recast
// it block by block into the student a plan describes, fine-tune the student with knowledge
// distillation, and price teacher and student on the simulator. docs/recasting.md.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/data/split.hpp"
#include "models/recast/spec.hpp"

namespace duet::recast {

// (stage, done, total, note): one stage per training phase, for progress bars.
using Progress = std::function<void(const std::string&, int64_t, int64_t, const std::string&)>;

struct TrainingData {
  std::string dir;  // Fashion-MNIST IDX files
  SplitOptions split;
};

struct TeacherOptions {
  std::string arch = "resnet20";  // teacher_names()
  std::string out;                // checkpoint; rewritten after every epoch
  TrainingData data;
  int epochs = 2;
  int64_t batch = 128;
  double learning_rate = 2e-3;
  uint64_t seed = 0;
  bool resume = false;  // continue from `out` if it holds unfinished epochs
  Progress progress;
};

struct TeacherResult {
  NetworkSpec spec;
  int epochs_done = 0;
  int resumed_from_epoch = 0;
  double validation_accuracy = 0;
  double test_accuracy = 0;
  int64_t parameters = 0;
  double train_seconds = 0;
};

TeacherResult train_teacher(const TeacherOptions& options);

struct RecastOptions {
  std::string teacher;  // checkpoint written by train_teacher
  std::string plan;     // configs/recast/*.json
  std::string out_dir;  // student.pt, checkpoint.pt, log.json, workload.json, report.json
  std::string accelerator = "mobile";
  TrainingData data;
  int block_epochs = 2;
  int finetune_epochs = 2;
  std::string kd = "mse";  // mse or kl, on the logits
  double kd_weight = 1.0;  // fine-tuning loss: cross-entropy + kd_weight * KD
  double learning_rate = 1e-3;
  double finetune_learning_rate = 1e-3;
  // Small batches: a block step sees few images, and the number of updates is what counts.
  int64_t batch = 64;
  std::string baseline = "scratch";  // none, scratch (cross-entropy) or kd
  uint64_t seed = 0;
  bool resume = false;
  int stop_after_block = -1;  // >= 0: stop once this block is checkpointed (tests interruption)
  bool simulate = true;       // false skips the duet-sim pricing (tests)
  Progress progress;
};

// One training step of the log: a recast block, the fine-tuning, or the baseline.
struct StepLog {
  std::string phase;  // recast, finetune, baseline
  int block = -1;     // recast: the block index
  int epochs = 0;
  std::vector<double> loss_curve;  // mean loss over each tenth of the step's batches
  double final_loss = 0;
  double validation_accuracy = 0;  // whole network after the step
  double seconds = 0;
};

struct RecastResult {
  NetworkSpec teacher, student;
  std::vector<StepLog> log;
  int resumed_from_block = 0;  // first block this run trained
  bool finished = false;       // false when stopped by stop_after_block
  std::string report_path;
};

RecastResult run_recast(const RecastOptions& options);

// The activation shape [batch, channels, height, width] after each block of `spec` for a
// batch of one side x side image, from the torch modules themselves.
std::vector<std::vector<int64_t>> block_output_shapes(const NetworkSpec& spec, int64_t side);
// The spec stored in a teacher or student checkpoint.
NetworkSpec checkpoint_spec(const std::string& path);

}  // namespace duet::recast
