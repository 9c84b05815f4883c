#pragma once

// Spark's hashes of values, as its hash functions compute them for a value of
// a given type (the SQL functions hash and xxhash64 fold them over their
// arguments, expr/functions_hash.cc; approx_count_distinct hashes each value).

#include <cstdint>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace spate {

/// Spark's XxHash64Function.hash of each row's value with `seed` (-0.0 hashed
/// as 0.0, every NaN as one NaN); a NULL row gives `seed` itself.
arrow::Result<std::vector<uint64_t>> SparkXxHash64(const arrow::Array& values, uint64_t seed);

}  // namespace spate
