#pragma once

// How Spark's file scans cut files into splits and pack the splits into
// partitions (FilePartition.getFilePartitions), for what depends on the
// partition a row is read in: the JSON and CSV sources' samplingRatio draws
// from a generator seeded per partition (file_sample.h).

#include <cstdint>
#include <vector>

#include <arrow/result.h>

#include "spate/common/runtime_config.h"

namespace spate {

/// A byte range of one file.
struct FileSplit {
  size_t file;  // index into the sizes given
  int64_t start;
  int64_t length;
};

struct FilePartitions {
  int64_t split_bytes;  // Spark's maxSplitBytes
  std::vector<std::vector<FileSplit>> partitions;
};

/// The partitions of a scan over files of `sizes` bytes: splits of at most
/// maxSplitBytes (min(spark.sql.files.maxPartitionBytes, max(openCostInBytes,
/// total bytes with an open cost per file / the parallelism))), sorted by
/// length, longest first, packed in that order. The parallelism is
/// spark.sql.files.minPartitionNum, else spark.default.parallelism, else the N
/// of spark.master local[N] (common/parallelism.h; a master Spate cannot run is an error).
arrow::Result<FilePartitions> SparkFilePartitions(const std::vector<int64_t>& sizes, const RuntimeConfig& conf);

/// The partitions of Spark's binary-file RDDs (the JSON and CSV sources'
/// multiLine input) over files of `sizes` bytes, as file indices: whole files in
/// order, a partition closed once its files reach maxSplitSize (Hadoop's
/// CombineFileInputFormat on one host), maxSplitSize being
/// min(spark.files.maxPartitionBytes, max(spark.files.openCostInBytes, total
/// bytes with an open cost per file / spark.default.parallelism or the
/// master's cores)).
arrow::Result<std::vector<std::vector<size_t>>> SparkWholeFilePartitions(const std::vector<int64_t>& sizes,
                                                                          const RuntimeConfig& conf);

/// The split a line starting at byte `offset` is read in, of splits of
/// `split_bytes` each: Hadoop's line reader leaves a split's first line to the
/// split before it and reads one line past its end.
int64_t SplitOfLine(int64_t offset, int64_t split_bytes);

}  // namespace spate
