#include "spate/connectors/file/file_partitions.h"

#include <algorithm>
#include <string>

#include "spate/common/parallelism.h"

namespace spate {

namespace {

int64_t LongSetting(const RuntimeConfig& conf, const std::string& key, int64_t fallback) {
  auto value = conf.Get(key);
  if (!value) return fallback;
  try {
    return std::stoll(*value);
  } catch (...) {
    return fallback;
  }
}

// A file scan's parallelism.
arrow::Result<int64_t> Parallelism(const RuntimeConfig& conf) {
  int64_t n = LongSetting(conf, "spark.sql.files.minPartitionNum", 0);
  if (n > 0) return n;
  return DefaultParallelism(conf);
}

}  // namespace

arrow::Result<FilePartitions> SparkFilePartitions(const std::vector<int64_t>& sizes, const RuntimeConfig& conf) {
  const int64_t max_bytes = LongSetting(conf, "spark.sql.files.maxPartitionBytes", 128 << 20);
  const int64_t open_cost = LongSetting(conf, "spark.sql.files.openCostInBytes", 4 << 20);
  int64_t total = 0;
  for (int64_t size : sizes) total += size + open_cost;
  ARROW_ASSIGN_OR_RAISE(const int64_t parallelism, Parallelism(conf));
  const int64_t split_bytes = std::min(max_bytes, std::max(open_cost, total / parallelism));
  std::vector<FileSplit> splits;
  for (size_t f = 0; f < sizes.size(); ++f) {
    for (int64_t start = 0; start < sizes[f]; start += split_bytes) {
      splits.push_back({f, start, std::min(split_bytes, sizes[f] - start)});
    }
  }
  std::stable_sort(splits.begin(), splits.end(), [](const auto& a, const auto& b) { return a.length > b.length; });
  FilePartitions out{split_bytes, {}};
  std::vector<FileSplit> current;
  int64_t current_bytes = 0;
  for (const auto& split : splits) {
    if (current_bytes + split.length > split_bytes && !current.empty()) {
      out.partitions.push_back(std::move(current));
      current.clear();
      current_bytes = 0;
    }
    current_bytes += split.length + open_cost;
    current.push_back(split);
  }
  if (!current.empty()) out.partitions.push_back(std::move(current));
  return out;
}

arrow::Result<std::vector<std::vector<size_t>>> SparkWholeFilePartitions(const std::vector<int64_t>& sizes,
                                                                          const RuntimeConfig& conf) {
  const int64_t max_bytes = LongSetting(conf, "spark.files.maxPartitionBytes", 128 << 20);
  const int64_t open_cost = LongSetting(conf, "spark.files.openCostInBytes", 4 << 20);
  int64_t total = 0;
  for (int64_t size : sizes) total += size + open_cost;
  ARROW_ASSIGN_OR_RAISE(const int64_t parallelism, DefaultParallelism(conf));
  const int64_t split_bytes = std::min(max_bytes, std::max(open_cost, total / parallelism));
  std::vector<std::vector<size_t>> out;
  int64_t bytes = split_bytes;  // of the partition being filled: none yet
  for (size_t f = 0; f < sizes.size(); ++f) {
    if (bytes >= split_bytes) {
      out.emplace_back();
      bytes = 0;
    }
    out.back().push_back(f);
    bytes += sizes[f];
  }
  return out;
}

int64_t SplitOfLine(int64_t offset, int64_t split_bytes) { return offset == 0 ? 0 : (offset - 1) / split_bytes; }

}  // namespace spate
