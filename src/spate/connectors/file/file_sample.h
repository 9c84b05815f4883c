#pragma once

// Spark's samplingRatio for the JSON and CSV sources: the lines (or, with
// multiLine, the records of whole files) a schema is inferred from, drawn as
// Spark's sample draws them over its file partitions (file_partitions.h).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/common/runtime_config.h"
#include "spate/connectors/file/format_readers.h"

namespace spate {

/// The samplingRatio option: a number (Java's Double.parseDouble of the text,
/// read even when the schema is given) above 0 (checked when a schema is
/// inferred); 1 when absent.
arrow::Result<double> SamplingRatio(const FileReadRequest& r, bool inferring);

/// Calls `visit(partition, line)` with each line ("\n", "\r\n" or "\r" ending
/// it) of `texts` in the order Spark's text file scan reads them: the
/// partitions of SparkFilePartitions in order (the largest splits first), each
/// split's lines in order, a line read in the split it starts in. Stops when
/// `visit` returns false.
arrow::Status ForEachScannedLine(const std::vector<std::string>& texts, const RuntimeConfig& conf,
                                 const std::function<bool(size_t partition, std::string_view line)>& visit);

/// Calls `keep` with each line ("\n", "\r\n" or "\r" ending it) of `texts`
/// that Dataset.sample(false, ratio, 1) keeps over them read as Spark's text
/// file scan: partition i (SparkFilePartitions) keeps a line when a draw of
/// XorShiftRandom(1 + i) is below the ratio (BernoulliCellSampler). Above
/// 0.99 every line is kept, in file order.
arrow::Status ForEachSampledLine(const std::vector<std::string>& texts, double ratio, const RuntimeConfig& conf,
                                 const std::function<void(std::string_view line)>& keep);

/// RDD.sample(false, ratio, 1) over the items (documents or records) read from
/// whole files, as Spark's binary-file RDDs hold them (SparkWholeFilePartitions
/// over the files' `sizes`); file f holds `items[f]` items. Partition i draws
/// from XorShiftRandom seeded with the i-th nextLong of java.util.Random(1):
/// up to a ratio of 0.4 it skips runs of items of geometric length
/// (GapSampling), above it keeps an item when a draw is at most the ratio.
/// Returns, for each file, which of its items are kept; above 0.99 all.
arrow::Result<std::vector<std::vector<bool>>> SampleWholeFileItems(const std::vector<int64_t>& sizes,
                                                                   const std::vector<size_t>& items, double ratio,
                                                                   const RuntimeConfig& conf);

}  // namespace spate
