// duet recast: block-by-block recasting, fine-tuning with knowledge distillation, the
// baseline, and the report. Every phase is checkpointed, and seeded by its own index, so a
// resumed run continues exactly where an uninterrupted one would be.
#include <chrono>
#include <filesystem>

#include "models/recast/plan.hpp"
#include "models/recast/pricing.hpp"
#include "models/recast/training.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/workload_io.hpp"

namespace duet::recast {
namespace {

constexpr int kStateFormat = 1;
constexpr double kKlTemperature = 4.0;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void check(const RecastOptions& o) {
  if (o.teacher.empty())
    throw InputError("--teacher: a checkpoint from `duet recast train-teacher` is required");
  if (o.plan.empty()) throw InputError("--plan: a plan file is required (configs/recast/*.json)");
  if (o.out_dir.empty()) throw InputError("--out: an output directory is required");
  if (o.block_epochs < 1 || o.block_epochs > 1000)
    throw InputError("--block-epochs: must be in [1, 1000]");
  if (o.finetune_epochs < 0 || o.finetune_epochs > 1000) {
    throw InputError("--finetune-epochs: must be in [0, 1000]");
  }
  if (o.kd != "mse" && o.kd != "kl") throw InputError("--kd: \"" + o.kd + "\" (allowed: mse, kl)");
  if (o.baseline != "none" && o.baseline != "scratch" && o.baseline != "kd") {
    throw InputError("--baseline: \"" + o.baseline + "\" (allowed: none, scratch, kd)");
  }
  if (o.batch < 1 || o.batch > 65536) throw InputError("--batch: must be in [1, 65536]");
  if (o.stop_after_block < -1)
    throw InputError("--stop-after-block: must be -1 (off) or a block index >= 0");
  if (!(o.kd_weight >= 0) || o.kd_weight > 1000)
    throw InputError("--kd-weight: must be in [0, 1000]");
  for (double lr : {o.learning_rate, o.finetune_learning_rate}) {
    if (!(lr > 0) || lr > 1) throw InputError("--lr / --finetune-lr: must be in (0, 1]");
  }
}

Json step_json(const StepLog& s) {
  return {{"phase", s.phase},           {"block", s.block},
          {"epochs", s.epochs},         {"loss_curve", s.loss_curve},
          {"final_loss", s.final_loss}, {"validation_accuracy", s.validation_accuracy},
          {"seconds", s.seconds}};
}

StepLog step_from_json(const Json& j) {
  StepLog s;
  s.phase = j.at("phase").get<std::string>();
  s.block = j.at("block").get<int>();
  s.epochs = j.at("epochs").get<int>();
  s.loss_curve = j.at("loss_curve").get<std::vector<double>>();
  s.final_loss = j.at("final_loss").get<double>();
  s.validation_accuracy = j.at("validation_accuracy").get<double>();
  s.seconds = j.at("seconds").get<double>();
  return s;
}

class Recaster {
 public:
  explicit Recaster(const RecastOptions& o) : o_(o) {}

  RecastResult run();

 private:
  Json key() const;
  Json log_json() const;
  void save_state();
  void progress(const std::string& stage, int64_t done, int64_t total, double loss) const;
  void recast_block(std::size_t i);
  double train_whole(Network& net, const std::string& phase, int epochs, double lr, bool distill);
  torch::Tensor kd_loss(const torch::Tensor& student, const torch::Tensor& teacher) const;

  const RecastOptions& o_;
  NetworkSpec teacher_spec_, student_spec_;
  RecastPlan plan_;
  Network teacher_{nullptr}, student_{nullptr};
  Data data_;
  torch::Tensor teacher_train_logits_;
  std::string state_path_;
  RecastResult result_;
  // Progress through the phases, all part of the checkpoint.
  int blocks_done_ = 0;
  bool finetuned_ = false, baseline_done_ = false;
  Json accuracies_ = Json::object();
  Json seconds_ = Json::object();
};

Json Recaster::key() const {
  return {{"format", kStateFormat},
          {"teacher", fs::absolute(o_.teacher).string()},
          {"teacher_spec", spec_to_json(teacher_spec_)},
          {"student_spec", spec_to_json(student_spec_)},
          {"block_epochs", o_.block_epochs},
          {"finetune_epochs", o_.finetune_epochs},
          {"kd", o_.kd},
          {"kd_weight", o_.kd_weight},
          {"learning_rate", o_.learning_rate},
          {"finetune_learning_rate", o_.finetune_learning_rate},
          {"batch", o_.batch},
          {"baseline", o_.baseline},
          {"seed", o_.seed},
          {"validation", o_.data.split.validation},
          {"train_limit", o_.data.split.train_limit},
          {"test_limit", o_.data.split.test_limit},
          {"split_seed", o_.data.split.split_seed}};
}

Json Recaster::log_json() const {
  Json steps = Json::array();
  for (const auto& s : result_.log) steps.push_back(step_json(s));
  return steps;
}

void Recaster::save_state() {
  save_checkpoint(state_path_, student_,
                  {{"kind", "recast-state"},
                   {"spec", spec_to_json(student_spec_)},
                   {"key", key()},
                   {"blocks_done", blocks_done_},
                   {"finetuned", finetuned_},
                   {"baseline_done", baseline_done_},
                   {"accuracies", accuracies_},
                   {"seconds", seconds_},
                   {"log", log_json()}});
  write_file_atomically((fs::path(o_.out_dir) / "log.json").string(),
                        json_text(Json{{"plan", plan_.name}, {"steps", log_json()}}, 2) + "\n");
}

void Recaster::progress(const std::string& stage, int64_t done, int64_t total, double loss) const {
  if (!o_.progress) return;
  char note[48];
  std::snprintf(note, sizeof note, "loss %.4f", loss);
  o_.progress(stage, done, total, note);
}

torch::Tensor Recaster::kd_loss(const torch::Tensor& student, const torch::Tensor& teacher) const {
  if (o_.kd == "mse") return torch::mse_loss(student, teacher);
  // Hinton et al.: KL between softened distributions, scaled by T^2 to keep gradients comparable.
  const double t = kKlTemperature;
  const torch::Tensor log_p = torch::log_softmax(teacher / t, 1);
  const torch::Tensor log_q = torch::log_softmax(student / t, 1);
  // Batch mean of KL(p || q), as PyTorch's reduction="batchmean".
  return (log_p.exp() * (log_p - log_q)).sum(1).mean() * (t * t);
}

// Block i is replaced by its target and trained together with the block after it (the
// adapter, of the teacher's kind and width, which maps the new block's output back to the
// teacher's) by MSE against the frozen teacher's activation after the adapter. The last block's
// adapter is the head, matched on the logits.
void Recaster::recast_block(std::size_t i) {
  const auto start = Clock::now();
  torch::manual_seed(o_.seed * 1000003 + 17 * (i + 1));
  const std::size_t n = student_spec_.blocks.size();
  const bool last = i + 1 == n;
  Block block = make_block(student_spec_.blocks[i]);
  // A block the plan leaves as it was starts from the teacher's weights.
  const BlockSpec& tb = teacher_spec_.blocks[i];
  const BlockSpec& sb = student_spec_.blocks[i];
  if (tb.kind == sb.kind && tb.in_channels == sb.in_channels &&
      tb.out_channels == sb.out_channels) {
    copy_matching(*teacher_->blocks[i], *block);
  }
  student_->set_block(i, block);
  std::shared_ptr<torch::nn::Module> adapter;
  std::function<torch::Tensor(const torch::Tensor&)> adapt;
  if (last) {
    Head head(sb.out_channels, student_spec_.classes);
    copy_matching(*teacher_->head, *head);
    student_->set_head(head);
    adapter = head.ptr();
    adapt = [head](const torch::Tensor& x) mutable { return head->forward(x); };
  } else {
    BlockSpec next = teacher_spec_.blocks[i + 1];
    next.in_channels = sb.out_channels;
    Block b = make_block(next);
    copy_matching(*teacher_->blocks[i + 1], *b);
    adapter = b;
    adapt = [b](const torch::Tensor& x) { return b->forward(x); };
  }
  std::vector<torch::Tensor> params = block->parameters();
  for (const auto& p : adapter->parameters()) params.push_back(p);
  torch::optim::Adam optimizer(params, torch::optim::AdamOptions(o_.learning_rate));

  const int64_t n_train = data_.train.size();
  const int64_t per_epoch = (n_train + o_.batch - 1) / o_.batch;
  const int64_t total = per_epoch * o_.block_epochs;
  LossCurve curve(total);
  const std::string stage = "recast block " + std::to_string(i + 1) + "/" + std::to_string(n);
  student_->eval();
  for (int epoch = 0; epoch < o_.block_epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(n_train, torch::kLong);
    block->train();
    adapter->train();
    for (int64_t b = 0; b < per_epoch; ++b) {
      set_lr(optimizer, cosine_lr(o_.learning_rate, epoch * per_epoch + b, total));
      const torch::Tensor idx = order.slice(0, b * o_.batch, std::min(n_train, (b + 1) * o_.batch));
      const torch::Tensor x = data_.train.images.index_select(0, idx);
      torch::Tensor input, target;
      {
        torch::NoGradGuard no_grad;
        input = student_->blocks_forward(student_->stem_forward(x), 0, i);
        const torch::Tensor t =
            teacher_->blocks_forward(teacher_->stem_forward(x), 0, last ? n : i + 2);
        target = last ? teacher_->head->forward(t) : t;
      }
      const torch::Tensor loss = torch::mse_loss(adapt(block->forward(input)), target);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      curve.add(loss.item<double>());
      progress(stage, epoch * per_epoch + b + 1, total, curve.last());
    }
  }
  block->eval();
  adapter->eval();
  // The hybrid after this step: student up to block i, the adapter, then the teacher's rest.
  const double val =
      accuracy(batched_logits(
                   [&](const torch::Tensor& x) {
                     torch::Tensor h =
                         block->forward(student_->blocks_forward(student_->stem_forward(x), 0, i));
                     if (last) return adapt(h);
                     return teacher_->head->forward(teacher_->blocks_forward(adapt(h), i + 2, n));
                   },
                   data_.validation.images),
               data_.validation.labels);
  result_.log.push_back({"recast", static_cast<int>(i), o_.block_epochs, curve.tenths(),
                         curve.last(), val, seconds_since(start)});
}

// Whole-network training: the fine-tuning (distill = true, starting from the recast student)
// and the baselines.
double Recaster::train_whole(Network& net, const std::string& phase, int epochs, double lr,
                             bool distill) {
  const auto start = Clock::now();
  const int64_t n_train = data_.train.size();
  const int64_t per_epoch = (n_train + o_.batch - 1) / o_.batch;
  const int64_t total = per_epoch * epochs;
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(lr));
  LossCurve curve(total);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(n_train, torch::kLong);
    net->train();
    for (int64_t b = 0; b < per_epoch; ++b) {
      set_lr(optimizer, cosine_lr(lr, epoch * per_epoch + b, total));
      const torch::Tensor idx = order.slice(0, b * o_.batch, std::min(n_train, (b + 1) * o_.batch));
      const torch::Tensor logits = net->forward(data_.train.images.index_select(0, idx));
      torch::Tensor loss =
          torch::nn::functional::cross_entropy(logits, data_.train.labels.index_select(0, idx));
      if (distill)
        loss = loss + o_.kd_weight * kd_loss(logits, teacher_train_logits_.index_select(0, idx));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      curve.add(loss.item<double>());
      progress(phase, epoch * per_epoch + b + 1, total, curve.last());
    }
  }
  const double val = accuracy(net, data_.validation);
  result_.log.push_back(
      {phase, -1, epochs, curve.tenths(), curve.last(), val, seconds_since(start)});
  return seconds_since(start);
}

RecastResult Recaster::run() {
  check(o_);
  // Everything that can be wrong with the input is checked before any training.
  teacher_spec_ = checkpoint_spec(o_.teacher);
  plan_ = load_plan(o_.plan, teacher_spec_);
  student_spec_ = student_spec(teacher_spec_, plan_);
  const auto blocks = static_cast<int>(student_spec_.blocks.size());
  if (o_.stop_after_block >= blocks) {
    throw InputError("--stop-after-block: " + std::to_string(o_.stop_after_block) +
                     " is not a block of the plan's student (blocks 0 to " +
                     std::to_string(blocks - 1) + ", or -1 for off)");
  }
  std::unique_ptr<AcceleratorConfig> config;
  // Resolved even when not simulating: a bad --arch is an error, not silently unused.
  config = std::make_unique<AcceleratorConfig>(load_accelerator(o_.accelerator));
  if (!o_.simulate) config.reset();
  result_.teacher = teacher_spec_;
  result_.student = student_spec_;

  std::error_code ec;
  fs::create_directories(o_.out_dir, ec);
  if (ec)
    throw InputError(o_.out_dir + ": cannot create the output directory (" + ec.message() + ")");
  state_path_ = (fs::path(o_.out_dir) / "checkpoint.pt").string();

  torch::set_num_threads(1);  // see models/nnlut/accuracy.cpp
  teacher_ = load_checkpoint(o_.teacher);
  teacher_->eval();
  for (auto& p : teacher_->parameters()) p.set_requires_grad(false);
  torch::manual_seed(o_.seed);
  student_ = Network(student_spec_);
  copy_matching(*teacher_->stem, *student_->stem);

  if (o_.resume && fs::exists(state_path_)) {
    const Json meta = read_checkpoint_meta(state_path_);
    if (meta.value("key", Json()) != key()) {
      throw InputError(state_path_ +
                       ": made with another teacher, plan or options; rerun with "
                       "the same ones, or without --resume to start afresh");
    }
    load_weights(state_path_, student_, nullptr);
    blocks_done_ = meta.at("blocks_done").get<int>();
    finetuned_ = meta.at("finetuned").get<bool>();
    baseline_done_ = meta.at("baseline_done").get<bool>();
    accuracies_ = meta.at("accuracies");
    seconds_ = meta.at("seconds");
    for (const auto& s : meta.at("log")) result_.log.push_back(step_from_json(s));
  }
  result_.resumed_from_block = blocks_done_;

  data_ = load_data(o_.data);
  if (!accuracies_.contains("teacher")) {
    accuracies_["teacher"] = accuracy(teacher_, data_.test);
    accuracies_["teacher_validation"] = accuracy(teacher_, data_.validation);
  }

  const std::size_t n = student_spec_.blocks.size();
  auto recast_start = Clock::now();
  for (std::size_t i = static_cast<std::size_t>(blocks_done_); i < n; ++i) {
    recast_block(i);
    blocks_done_ = static_cast<int>(i + 1);
    seconds_["recast"] = seconds_.value("recast", 0.0) + seconds_since(recast_start);
    recast_start = Clock::now();
    if (blocks_done_ == static_cast<int>(n))
      accuracies_["after_recasting"] = accuracy(student_, data_.test);
    save_state();
    if (o_.stop_after_block >= 0 && static_cast<int>(i) >= o_.stop_after_block) {
      result_.finished = false;
      return result_;
    }
  }

  const bool needs_teacher_logits =
      (!finetuned_ && o_.finetune_epochs > 0) || (!baseline_done_ && o_.baseline == "kd");
  if (needs_teacher_logits) {
    teacher_train_logits_ = batched_logits(
        [&](const torch::Tensor& x) { return teacher_->forward(x); }, data_.train.images);
  }
  if (!finetuned_) {
    torch::manual_seed(o_.seed * 1000003 + 1000001);
    if (o_.finetune_epochs > 0) {
      seconds_["finetune"] =
          train_whole(student_, "finetune", o_.finetune_epochs, o_.finetune_learning_rate, true);
    }
    accuracies_["after_finetuning"] = accuracy(student_, data_.test);
    finetuned_ = true;
    save_state();
  }
  // The student's weights are final here; the baseline trains a separate network.
  save_checkpoint(
      (fs::path(o_.out_dir) / "student.pt").string(), student_,
      {{"kind", "student"}, {"spec", spec_to_json(student_spec_)}, {"plan", plan_.name}});
  if (!baseline_done_ && o_.baseline != "none") {
    // Same total epochs as recasting plus fine-tuning; the same learning rate as a teacher.
    const int epochs = static_cast<int>(n) * o_.block_epochs + o_.finetune_epochs;
    torch::manual_seed(o_.seed * 1000003 + 1000002);
    Network scratch(student_spec_);
    seconds_["baseline"] = train_whole(scratch, "baseline-" + o_.baseline, epochs,
                                       TeacherOptions().learning_rate, o_.baseline == "kd");
    accuracies_["baseline"] = accuracy(scratch, data_.test);
    baseline_done_ = true;
    save_state();
  }

  const Workload student_workload =
      network_workload(student_spec_, data_.test.images.size(2), false);
  write_file_atomically((fs::path(o_.out_dir) / "workload.json").string(),
                        json_text(workload_to_json(student_workload), 2) + "\n");
  // The teacher at the same size, so that a `fixed` search space can name the pair.
  write_file_atomically(
      (fs::path(o_.out_dir) / "teacher_workload.json").string(),
      json_text(workload_to_json(network_workload(teacher_spec_, data_.test.images.size(2), false)),
                2) +
          "\n");
  const int64_t side = data_.test.images.size(2);
  Json teacher = {{"name", teacher_spec_.name},
                  {"checkpoint", o_.teacher},
                  {"accuracy", accuracies_["teacher"]},
                  {"validation_accuracy", accuracies_["teacher_validation"]},
                  {"parameters", teacher_->parameter_count()},
                  {"blocks", teacher_spec_.blocks.size()},
                  {"cost", price_network(teacher_spec_, side, config.get())}};
  Json student = {{"name", student_spec_.name},
                  {"spec", spec_to_json(student_spec_)},
                  {"accuracy_after_recasting", accuracies_.value("after_recasting", Json())},
                  {"accuracy_after_finetuning", accuracies_.value("after_finetuning", Json())},
                  {"accuracy", accuracies_.value("after_finetuning", Json())},
                  {"parameters", student_->parameter_count()},
                  {"blocks", student_spec_.blocks.size()},
                  {"cost", price_network(student_spec_, side, config.get())}};
  Json report = {{"plan", plan_.name},
                 {"plan_file", o_.plan},
                 {"accelerator", config ? config->name : ""},
                 {"teacher", teacher},
                 {"student", student},
                 {"budget",
                  {{"train_images", data_.train.size()},
                   {"validation_images", data_.validation.size()},
                   {"test_images", data_.test.size()},
                   {"block_epochs", o_.block_epochs},
                   {"finetune_epochs", o_.finetune_epochs},
                   {"kd", o_.kd},
                   {"seed", o_.seed}}},
                 {"seconds", seconds_}};
  if (o_.baseline != "none") {
    report["baseline"] = {{"kind", o_.baseline},
                          {"epochs", static_cast<int>(n) * o_.block_epochs + o_.finetune_epochs},
                          {"accuracy", accuracies_["baseline"]}};
  }
  for (const char* size : {"input_28", "imagenet_224"}) {
    const std::string key =
        size == std::string("input_28") ? "input_" + std::to_string(side) : size;
    const Json& t = teacher["cost"][key];
    const Json& s = student["cost"][key];
    Json ratio = {{"mac_ratio", t["macs"].get<double>() / s["macs"].get<double>()}};
    if (t.contains("sim")) {
      ratio["speedup"] = t["sim"]["latency_s"].get<double>() / s["sim"]["latency_s"].get<double>();
      ratio["energy_ratio"] =
          t["sim"]["energy_j"].get<double>() / s["sim"]["energy_j"].get<double>();
      ratio["edp_ratio"] = t["sim"]["edp_js"].get<double>() / s["sim"]["edp_js"].get<double>();
    }
    report["teacher_over_student"][key] = ratio;
  }
  result_.report_path = (fs::path(o_.out_dir) / "report.json").string();
  write_file_atomically(result_.report_path, json_text(report, 2) + "\n");
  result_.finished = true;
  return result_;
}

}  // namespace

RecastResult run_recast(const RecastOptions& options) { return Recaster(options).run(); }

}  // namespace duet::recast
