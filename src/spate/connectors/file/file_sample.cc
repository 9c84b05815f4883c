#include "spate/connectors/file/file_sample.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "spate/common/byte_scan.h"
#include "spate/common/java_random.h"
#include "spate/common/strings.h"
#include "spate/common/xorshift_random.h"
#include "spate/connectors/file/file_partitions.h"

namespace spate {

namespace {

// Each line of a text ("\n", "\r\n" or "\r" ending it) with the byte it starts
// at, until `visit` returns false.
template <typename Visit>
void ForEachLine(std::string_view text, Visit visit) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = FindLineBreak(text.data() + start, text.data() + text.size()) - text.data();
    if (!visit(static_cast<int64_t>(start), text.substr(start, end - start))) return;
    bool crlf = end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n';
    start = end + (crlf ? 2 : 1);
  }
}

// RDD.sample(false, ratio, seed)'s BernoulliSampler over one partition.
class RddBernoulliSampler {
 public:
  RddBernoulliSampler(double ratio, int64_t seed) : ratio_(ratio), random_(seed) {
    if (ratio_ <= kMaxGapSamplingRatio) Advance();
  }

  bool Keep() {
    if (ratio_ > kMaxGapSamplingRatio) return random_.NextDouble() <= ratio_;
    if (gap_ > 0) {
      --gap_;
      return false;
    }
    Advance();
    return true;
  }

 private:
  void Advance() {
    double u = std::max(random_.NextDouble(), 5e-11);
    gap_ = static_cast<int64_t>(std::log(u) / std::log1p(-ratio_));
  }

  static constexpr double kMaxGapSamplingRatio = 0.4;
  double ratio_;
  XorShiftRandom random_;
  int64_t gap_ = 0;
};

}  // namespace

arrow::Result<double> SamplingRatio(const FileReadRequest& r, bool inferring) {
  std::string text = OptionOr(r, "samplingRatio", "1.0");
  std::string number(TrimAsciiSpace(text));
  if (!number.empty() && std::string_view("fFdD").find(number.back()) != std::string_view::npos) number.pop_back();
  char* end = nullptr;
  double ratio = number.empty() ? 0 : std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size()) {
    return arrow::Status::Invalid(
        fmt::format("For input string: \"{}\" (the option 'samplingRatio' is a number greater than 0)", text));
  }
  if (inferring && !(ratio > 0)) {
    return arrow::Status::Invalid(
        fmt::format("requirement failed: samplingRatio ({}) should be greater than 0", JavaDoubleString(ratio)));
  }
  return ratio;
}

arrow::Status ForEachScannedLine(const std::vector<std::string>& texts, const RuntimeConfig& conf,
                                 const std::function<bool(size_t partition, std::string_view line)>& visit) {
  std::vector<int64_t> sizes;
  for (const auto& text : texts) sizes.push_back(static_cast<int64_t>(text.size()));
  ARROW_ASSIGN_OR_RAISE(FilePartitions scan, SparkFilePartitions(sizes, conf));
  bool more = true;
  for (size_t p = 0; p < scan.partitions.size() && more; ++p) {
    for (size_t s = 0; s < scan.partitions[p].size() && more; ++s) {
      const FileSplit& split = scan.partitions[p][s];
      ForEachLine(texts[split.file], [&](int64_t offset, std::string_view line) {
        int64_t start = SplitOfLine(offset, scan.split_bytes) * scan.split_bytes;
        if (start > split.start) return false;  // past the split
        if (start == split.start) more = visit(p, line);
        return more;
      });
    }
  }
  return arrow::Status::OK();
}

arrow::Status ForEachSampledLine(const std::vector<std::string>& texts, double ratio, const RuntimeConfig& conf,
                                 const std::function<void(std::string_view line)>& keep) {
  if (ratio > 0.99) {
    for (const auto& text : texts) {
      ForEachLine(text, [&](int64_t, std::string_view line) {
        keep(line);
        return true;
      });
    }
    return arrow::Status::OK();
  }
  std::optional<XorShiftRandom> random;  // of the partition being read
  size_t current = 0;
  return ForEachScannedLine(texts, conf, [&](size_t partition, std::string_view line) {
    if (!random || partition != current) {
      random.emplace(1 + static_cast<int64_t>(partition));
      current = partition;
    }
    if (random->NextDouble() < ratio) keep(line);
    return true;
  });
}

arrow::Result<std::vector<std::vector<bool>>> SampleWholeFileItems(const std::vector<int64_t>& sizes,
                                                                   const std::vector<size_t>& items, double ratio,
                                                                   const RuntimeConfig& conf) {
  std::vector<std::vector<bool>> kept;
  for (size_t count : items) kept.emplace_back(count, ratio > 0.99);
  if (ratio > 0.99) return kept;
  JavaRandom seeds(1);
  ARROW_ASSIGN_OR_RAISE(auto partitions, SparkWholeFilePartitions(sizes, conf));
  for (const auto& partition : partitions) {
    RddBernoulliSampler sampler(ratio, seeds.NextLong());
    for (size_t file : partition) {
      for (size_t i = 0; i < items[file]; ++i) kept[file][i] = sampler.Keep();
    }
  }
  return kept;
}

}  // namespace spate
