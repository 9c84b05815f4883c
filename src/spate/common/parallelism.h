#pragma once

// How many tasks run at once, as Spark reads it from spark.master: a query's
// stateful operators run their partitions on this many threads, and file
// scans size their splits by the default parallelism.

#include <cstdint>

#include <arrow/result.h>

namespace spate {

class RuntimeConfig;

/// The task threads of spark.master, as Spark's local scheduler: `local` 1,
/// `local[N]` and `local[N,F]` N, `local[*]` and `local[*,F]` the machine's
/// cores (the default). Any other master is an error naming the forms Spate runs.
arrow::Result<int> MasterThreads(const RuntimeConfig& conf);

/// SparkContext.defaultParallelism: spark.default.parallelism when set to a
/// positive number, else MasterThreads.
arrow::Result<int64_t> DefaultParallelism(const RuntimeConfig& conf);

}  // namespace spate
