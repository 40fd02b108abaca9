// duet recast: network recasting (train-teacher, then recast a teacher with a plan).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "cli/progress_bar.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/recast/recast.hpp"
#include "sim/accelerator_config.hpp"

namespace po = boost::program_options;

namespace duet::cli {
namespace {

// Teachers train on more images than students: recasting has to fit the 20-minute budget with
// its from-scratch baseline, and the teacher is trained once for every plan.
void add_data_options(po::options_description& opts, recast::TrainingData& data,
                      int64_t train_limit) {
  opts.add_options()("data", po::value(&data.dir)->default_value(fashion_mnist_dir()),
                     "Fashion-MNIST IDX files (Debian package dataset-fashion-mnist; env "
                     "DUET_FASHION_MNIST)")(
      "train-limit", po::value(&data.split.train_limit)->default_value(train_limit),
      "training images (< 0: all 55000 left after the validation hold-out)")(
      "validation", po::value(&data.split.validation)->default_value(5000),
      "validation images held out of the training file")(
      "test-limit", po::value(&data.split.test_limit)->default_value(-1),
      "test images (< 0: all 10000)");
}

int train_teacher_command(int argc, char** argv) {
  recast::TeacherOptions o;
  po::options_description opts(
      "duet recast train-teacher: train a teacher network on Fashion-MNIST\n\n"
      "usage: duet recast train-teacher --arch resnet20 --out teacher.pt [--epochs 2] "
      "[--resume]\n\n"
      "options");
  opts.add_options()("help,h", "show this help")("arch", po::value(&o.arch)->default_value(o.arch),
                                                 "resnet20, resnet32, resnet56, densenet or vgg")(
      "out", po::value(&o.out)->required(), "checkpoint, rewritten after every epoch")(
      "epochs", po::value(&o.epochs)->default_value(o.epochs), "training epochs")(
      "batch", po::value(&o.batch)->default_value(o.batch), "batch size")(
      "lr", po::value(&o.learning_rate)->default_value(o.learning_rate),
      "Adam learning rate (cosine decay)")("seed", po::value(&o.seed)->default_value(0),
                                           "random seed")("resume", po::bool_switch(&o.resume),
                                                          "continue an interrupted run from --out");
  add_data_options(opts, o.data, -1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  check_output_paths(given_outputs(vm, {"out"}), {});
  StageBars bars;
  o.progress = bars.callback();
  const recast::TeacherResult r = recast::train_teacher(o);
  bars.finish();
  std::printf(
      "teacher %s: %d epochs%s, %lld parameters, validation %.2f %%, test %.2f %% (%.0f s)\n",
      o.arch.c_str(), r.epochs_done,
      r.resumed_from_epoch
          ? (" (resumed after " + std::to_string(r.resumed_from_epoch) + ")").c_str()
          : "",
      static_cast<long long>(r.parameters), 100 * r.validation_accuracy, 100 * r.test_accuracy,
      r.train_seconds);
  std::printf("checkpoint: %s\n", o.out.c_str());
  return 0;
}

int recast_run_command(int argc, char** argv) {
  recast::RecastOptions o;
  po::options_description opts(
      "duet recast: recast a trained teacher block by block into the network a plan describes, "
      "fine-tune it with knowledge distillation, and price both on the simulator\n\n"
      "usage: duet recast --teacher teacher.pt --plan configs/recast/resnet-to-plain.json --out "
      "student/ [--resume]\n"
      "       duet recast train-teacher --help\n\n"
      "writes student/: student.pt, workload.json, report.json, log.json, checkpoint.pt\n\n"
      "options");
  opts.add_options()("help,h", "show this help")("teacher", po::value(&o.teacher)->required(),
                                                 "checkpoint from duet recast train-teacher")(
      "plan", po::value(&o.plan)->required(), "recasting plan (configs/recast/*.json)")(
      "out", po::value(&o.out_dir)->required(), "output directory")(
      "arch", po::value(&o.accelerator)->default_value(o.accelerator),
      "accelerator for the report: a config JSON or a shipped name")(
      "block-epochs", po::value(&o.block_epochs)->default_value(o.block_epochs),
      "epochs per recast block")("finetune-epochs",
                                 po::value(&o.finetune_epochs)->default_value(o.finetune_epochs),
                                 "epochs of whole-student fine-tuning")(
      "kd", po::value(&o.kd)->default_value(o.kd),
      "fine-tuning distillation loss on the logits: mse or kl")(
      "kd-weight", po::value(&o.kd_weight)->default_value(o.kd_weight),
      "fine-tuning loss = cross-entropy + kd-weight x KD")(
      "lr", po::value(&o.learning_rate)->default_value(o.learning_rate),
      "Adam learning rate of the block steps")(
      "finetune-lr", po::value(&o.finetune_learning_rate)->default_value(o.finetune_learning_rate),
      "Adam learning rate of the fine-tuning")("batch", po::value(&o.batch)->default_value(o.batch),
                                               "batch size")(
      "baseline", po::value(&o.baseline)->default_value(o.baseline),
      "train the student without recasting for the same total epochs: scratch (cross-entropy), "
      "kd (cross-entropy + KD) or none")("seed", po::value(&o.seed)->default_value(0),
                                         "random seed")("resume", po::bool_switch(&o.resume),
                                                        "continue from student/checkpoint.pt")(
      "stop-after-block", po::value(&o.stop_after_block)->default_value(-1),
      "stop once this block (0-based) is checkpointed, as an interruption would")(
      "no-sim", "skip the duet-sim pricing in the report");
  add_data_options(opts, o.data, 5000);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  check_output_paths(given_outputs(vm, {"out"}, true), {o.teacher, o.plan});
  o.simulate = !vm.count("no-sim");
  StageBars bars;
  o.progress = bars.callback();
  const recast::RecastResult r = recast::run_recast(o);
  bars.finish();
  if (r.resumed_from_block > 0) std::printf("resumed at block %d\n", r.resumed_from_block);
  if (!r.finished) {
    std::printf("stopped after block %d; continue with --resume\n", o.stop_after_block);
    return 0;
  }
  std::printf("student %s: report %s\n", r.student.name.c_str(), r.report_path.c_str());
  return 0;
}

}  // namespace

int recast_command(int argc, char** argv) {
  if (argc >= 2 && !std::strcmp(argv[1], "train-teacher")) {
    return train_teacher_command(argc - 1, argv + 1);
  }
  return recast_run_command(argc, argv);
}

}  // namespace duet::cli
