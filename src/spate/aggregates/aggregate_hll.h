#pragma once

// approx_count_distinct(x[, rsd]) as Spark's HyperLogLogPlusPlus
// (sketches/hyperloglog_plus_plus.h): the state of a group is its registers,
// one BINARY value of the sketch's words (little-endian), whose size depends
// only on rsd, so a streaming aggregation's state does not grow with the
// number of distinct values. Values hash as Spark hashes them (xxhash64, seed 42).

#include <memory>

#include "spate/aggregates/aggregate_functions.h"

namespace spate {

/// The function of an approx_count_distinct call with precision `p` (4 <= p).
std::unique_ptr<AggregateFunction> MakeApproxCountDistinct(int p);

}  // namespace spate
