// Network recasting on tiny subsets: the block library's shapes and workloads, block training,
// resume after an interruption, and the plan checks of `duet recast`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/data/fashion_mnist.hpp"
#include "models/recast/plan.hpp"
#include "models/recast/pricing.hpp"
#include "models/recast/recast.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/workload_io.hpp"

namespace duet::recast {
namespace {

namespace fs = std::filesystem;
using test::source_path;

bool have_fashion_mnist() {
  return fs::exists(fashion_mnist_dir() + "/train-images-idx3-ubyte.gz");
}

TrainingData tiny_data(int64_t train) {
  TrainingData d;
  d.dir = fashion_mnist_dir();
  d.split.train_limit = train;
  d.split.validation = 100;
  d.split.test_limit = 100;
  return d;
}

// A ResNet-20 teacher trained on 64 images: enough to have weights, which is all these tests
// need from it.
std::string tiny_teacher(const test::TempDir& dir) {
  TeacherOptions o;
  o.arch = "resnet20";
  o.out = dir.path("teacher.pt");
  o.data = tiny_data(64);
  o.epochs = 1;
  o.batch = 32;
  train_teacher(o);
  return o.out;
}

RecastOptions tiny_recast(const std::string& teacher, const std::string& out) {
  RecastOptions o;
  o.teacher = teacher;
  o.plan = source_path("configs/recast/resnet-to-plain.json");
  o.out_dir = out;
  o.data = tiny_data(128);
  o.block_epochs = 1;
  o.finetune_epochs = 1;
  o.batch = 32;
  o.baseline = "none";
  o.simulate = false;
  return o;
}

TEST(Recast, StudentShapesMatchTheTeacherAtEveryBlockBoundary) {
  struct Case {
    const char* teacher;
    const char* plan;
  };
  for (const Case c : {Case{"resnet20", "resnet-to-plain"}, Case{"resnet20", "wide-to-slim"},
                       Case{"resnet20", "mixed"}, Case{"densenet", "dense-to-residual"}}) {
    SCOPED_TRACE(c.plan);
    const NetworkSpec teacher = teacher_spec(c.teacher);
    const RecastPlan plan = load_plan(source_path("configs/recast/") + c.plan + ".json", teacher);
    const NetworkSpec student = student_spec(teacher, plan);
    const auto t = block_output_shapes(teacher, 28);
    const auto s = block_output_shapes(student, 28);
    const Workload w = network_workload(student, 28, false);
    ASSERT_EQ(t.size(), s.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      SCOPED_TRACE("block " + std::to_string(i));
      // Batch and image size always match; channels match up to the plan's width.
      EXPECT_EQ(s[i][0], t[i][0]);
      EXPECT_EQ(s[i][2], t[i][2]);
      EXPECT_EQ(s[i][3], t[i][3]);
      EXPECT_EQ(s[i][1], static_cast<int64_t>(std::llround(plan.targets[i].width * t[i][1])));
      // The workload the student becomes has the torch module's shape after every block.
      const std::string layer = block_output_layer(w, i);
      const auto it = std::find_if(w.layers.begin(), w.layers.end(),
                                   [&](const Layer& l) { return l.name == layer; });
      ASSERT_NE(it, w.layers.end());
      EXPECT_EQ(it->output_shape, s[i]);
    }
  }
}

TEST(Recast, PlainStudentWorkloadHasTheMacsComputedByHand) {
  const NetworkSpec teacher = teacher_spec("resnet20");
  const NetworkSpec student =
      student_spec(teacher, load_plan(source_path("configs/recast/resnet-to-plain.json"), teacher));
  // One 3x3 conv per block, padding 1: output pixels x out channels x in channels x 9.
  auto conv3 = [](int64_t side, int64_t in, int64_t out) { return side * side * out * in * 9; };
  const int64_t by_hand = conv3(28, 1, 16)                             // stem
                          + 3 * conv3(28, 16, 16)                      // stage 1
                          + conv3(14, 16, 32) + 2 * conv3(14, 32, 32)  // stage 2
                          + conv3(7, 32, 64) + 2 * conv3(7, 64, 64)    // stage 3
                          + 64 * 10;                                   // classifier
  EXPECT_EQ(by_hand, 14564224);
  const Workload w = network_workload(student, 28, false);
  EXPECT_EQ(total_macs(w), by_hand);

  // The written workload.json reads back with the same MACs.
  test::TempDir dir;
  std::ofstream(dir.path("w.json")) << workload_to_json(w).dump(2);
  EXPECT_EQ(total_macs(load_workload_json(dir.path("w.json"))), by_hand);

  // ResNet-20 itself: two such convs per block plus the two 1x1 projection shortcuts.
  const int64_t resnet20 = conv3(28, 1, 16) + 6 * conv3(28, 16, 16) + conv3(14, 16, 32) +
                           5 * conv3(14, 32, 32) + 14 * 14 * 32 * 16 + conv3(7, 32, 64) +
                           5 * conv3(7, 64, 64) + 7 * 7 * 64 * 32 + 64 * 10;
  EXPECT_EQ(total_macs(network_workload(teacher, 28, false)), resnet20);
}

TEST(Recast, BlockMseFallsDuringABlocksTraining) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  test::TempDir dir;
  RecastOptions o = tiny_recast(tiny_teacher(dir), dir.path("student"));
  o.data = tiny_data(512);
  o.block_epochs = 2;
  o.stop_after_block = 0;
  const RecastResult r = run_recast(o);
  ASSERT_EQ(r.log.size(), 1u);
  const auto& curve = r.log[0].loss_curve;
  ASSERT_GE(curve.size(), 5u);
  EXPECT_LT(curve.back(), 0.7 * curve.front());
}

TEST(Recast, ResumeContinuesFromTheLastFinishedBlock) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  test::TempDir dir;
  RecastOptions o = tiny_recast(tiny_teacher(dir), dir.path("student"));
  o.stop_after_block = 1;
  const RecastResult first = run_recast(o);
  EXPECT_FALSE(first.finished);
  ASSERT_EQ(first.log.size(), 2u);
  EXPECT_FALSE(fs::exists(dir.path("student/report.json")));

  o.stop_after_block = -1;
  o.resume = true;
  const RecastResult second = run_recast(o);
  EXPECT_TRUE(second.finished);
  EXPECT_EQ(second.resumed_from_block, 2);
  ASSERT_EQ(second.log.size(), 10u);  // 9 blocks and the fine-tuning
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(second.log[i].phase, "recast");
    EXPECT_EQ(second.log[i].block, i);
  }
  EXPECT_EQ(second.log[1].loss_curve, first.log[1].loss_curve);  // kept, not retrained
  EXPECT_EQ(second.log[9].phase, "finetune");
  for (const char* f : {"report.json", "workload.json", "student.pt", "log.json"}) {
    EXPECT_TRUE(fs::exists(dir.path(std::string("student/") + f))) << f;
  }
  // The student's weights read back as a network of the plan's shape.
  EXPECT_EQ(checkpoint_spec(dir.path("student/student.pt")).blocks[0].kind, BlockKind::kPlain);

  // A changed option does not silently mix two runs.
  o.block_epochs = 2;
  EXPECT_THROW(run_recast(o), InputError);
}

TEST(Recast, BadPlansExitWithCode2NamingTheField) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  test::TempDir dir;
  const std::string teacher = tiny_teacher(dir);
  struct Case {
    const char* plan;
    std::vector<const char*> expected;
  };
  const Case cases[] = {
      {R"({"name": "x", "blocks": [{"range": [0, 8], "type": "resnext", "width": 1}]})",
       {"blocks[0].type", "resnext", "allowed: plain, basic, bottleneck, dense, mbconv"}},
      {R"({"name": "x", "blocks": [{"range": [0, 8], "type": "plain", "width": 0}]})",
       {"blocks[0].width", "(0, 8]"}},
      {R"({"name": "x", "blocks": [{"range": [0, 8], "type": "plain", "width": -0.5}]})",
       {"blocks[0].width"}},
      {R"({"name": "x", "blocks": [{"range": [0, 5], "type": "plain", "width": 1}]})",
       {"does not cover teacher block(s) 6-8", "resnet20 has 9 blocks"}},
      {R"({"name": "x", "blocks": [{"range": [0, 8], "type": "plain", "widht": 1}]})", {"widht"}},
      {R"({"name": "x", "blocks": [{"range": [0, 8], "type": "plain", "width": 1e-9}]})",
       {"blocks[0].width", "without a channel", "the smallest is"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.plan);
    const std::string plan = dir.file("plan.json", c.plan);
    const auto r = test::run_duet("recast --teacher " + teacher + " --plan " + plan + " --out " +
                                  dir.path("out") + " --no-sim");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(plan), std::string::npos) << r.output;
    for (const char* e : c.expected) EXPECT_NE(r.output.find(e), std::string::npos) << r.output;
  }
  // The report's accelerator is checked before training, even with --no-sim.
  const std::string good_plan = dir.file(
      "good.json", R"({"name": "x", "blocks": [{"range": [0, 8], "type": "plain", "width": 1}]})");
  const auto bogus = test::run_duet("recast --teacher " + teacher + " --plan " + good_plan +
                                    " --out " + dir.path("out2") + " --no-sim --arch bogus");
  EXPECT_EQ(bogus.exit_code, 2) << bogus.output;
  EXPECT_NE(bogus.output.find("bogus"), std::string::npos) << bogus.output;
  // #21: a block the plan's student does not have is refused before any training.
  const auto late =
      test::run_duet("recast --teacher " + teacher + " --plan " + good_plan + " --out " +
                     dir.path("out3") + " --no-sim --stop-after-block 100");
  EXPECT_EQ(late.exit_code, 2) << late.output;
  EXPECT_NE(late.output.find("--stop-after-block: 100"), std::string::npos) << late.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path("out3") + "/checkpoint.pt"));
  const auto help = test::run_duet("recast --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--plan"), std::string::npos);
  EXPECT_EQ(test::run_duet("recast train-teacher --help").exit_code, 0);
  const auto arch =
      test::run_duet("recast train-teacher --arch resnet21 --out " + dir.path("t.pt"));
  EXPECT_EQ(arch.exit_code, 2);
  EXPECT_NE(arch.output.find("resnet20, resnet32, resnet56, densenet, vgg"), std::string::npos);
}

}  // namespace
}  // namespace duet::recast
