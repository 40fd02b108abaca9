#include "models/data/fashion_mnist.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "workloads/input_error.hpp"

namespace duet {
namespace {

constexpr uint32_t kLabelMagic = 0x00000801;  // IDX: unsigned bytes, 1 dimension
constexpr uint32_t kImageMagic = 0x00000803;  // IDX: unsigned bytes, 3 dimensions
constexpr uint32_t kMaxSide = 4096;           // keeps count * rows * cols far from overflow

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

// gzread also reads uncompressed files transparently, so unpacked copies work too.
class IdxReader {
 public:
  explicit IdxReader(std::string path)
      : path_(std::move(path)), file_(gzopen(path_.c_str(), "rb")) {
    if (!file_) {
      throw InputError(path_ +
                       ": cannot open (install dataset-fashion-mnist or set "
                       "DUET_FASHION_MNIST)");
    }
  }

  void read(void* out, std::size_t bytes, const char* what) {
    auto* p = static_cast<unsigned char*>(out);
    while (bytes > 0) {
      // gzread takes an unsigned count; read large payloads in pieces.
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(bytes, 1u << 30));
      const int got = gzread(file_.get(), p, chunk);
      if (got <= 0) {
        int code = 0;
        const char* message = gzerror(file_.get(), &code);
        throw InputError(path_ + ": truncated or corrupt while reading " + what +
                         (code != Z_OK && message ? std::string(" (") + message + ")" : ""));
      }
      p += got;
      bytes -= static_cast<std::size_t>(got);
    }
  }

  void read_into(std::vector<uint8_t>& out, std::size_t bytes, const char* what) {
    constexpr std::size_t kStep = std::size_t{1} << 24;
    out.clear();
    while (out.size() < bytes) {
      const std::size_t at = out.size();
      out.resize(std::min(bytes, at + kStep));
      read(out.data() + at, out.size() - at, what);
    }
  }

  uint32_t big_endian_u32(const char* what) {
    std::array<unsigned char, 4> b{};
    read(b.data(), b.size(), what);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  GzHandle file_;
};

std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

void expect_magic(IdxReader& r, uint32_t expected) {
  const uint32_t magic = r.big_endian_u32("the header");
  if (magic != expected) {
    throw InputError(r.path() + ": not an IDX " + (expected == kImageMagic ? "image" : "label") +
                     " file (magic " + hex(magic) + ", expected " + hex(expected) + ")");
  }
}

}  // namespace

std::string fashion_mnist_dir() {
  const char* env = std::getenv("DUET_FASHION_MNIST");
  return env && *env ? env : "/usr/share/datasets/fashion-mnist";
}

ImageSet load_fashion_mnist(const std::string& dir, bool train, int64_t limit) {
  const std::string prefix = (std::filesystem::path(dir) / (train ? "train" : "t10k")).string();
  IdxReader images(prefix + "-images-idx3-ubyte.gz");
  IdxReader labels(prefix + "-labels-idx1-ubyte.gz");

  expect_magic(images, kImageMagic);
  const uint32_t image_count = images.big_endian_u32("the image count");
  const uint32_t rows = images.big_endian_u32("the row count");
  const uint32_t cols = images.big_endian_u32("the column count");
  if (rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide) {
    throw InputError(images.path() + ": implausible image size " + std::to_string(rows) + "x" +
                     std::to_string(cols));
  }
  expect_magic(labels, kLabelMagic);
  const uint32_t label_count = labels.big_endian_u32("the label count");
  if (label_count != image_count) {
    throw InputError(labels.path() + ": " + std::to_string(label_count) + " labels for " +
                     std::to_string(image_count) + " images in " + images.path());
  }

  ImageSet set;
  set.count = limit < 0 ? int64_t{image_count} : std::min<int64_t>(limit, image_count);
  set.rows = rows;
  set.cols = cols;
  // Grow while reading, so a corrupt count fails at the file's end instead of allocating
  // whatever the header claims.
  images.read_into(set.pixels, static_cast<std::size_t>(set.count) * rows * cols, "the pixels");
  labels.read_into(set.labels, static_cast<std::size_t>(set.count), "the labels");
  for (std::size_t i = 0; i < set.labels.size(); ++i) {
    if (set.labels[i] > 9) {
      throw InputError(labels.path() + ": label " + std::to_string(i) + " is " +
                       std::to_string(set.labels[i]) + ", expected 0..9");
    }
  }
  return set;
}

}  // namespace duet
