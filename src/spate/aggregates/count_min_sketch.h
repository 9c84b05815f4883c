#pragma once

// Spark's count-min sketch (count_min_sketch aggregate), serialized as Spark
// serializes it, so the bytes agree: version 1, total count, depth, width,
// the per-row hash multipliers, then the table, all big-endian.
//   width = ceil(2 / eps), depth = ceil(-ln(1 - confidence) / ln 2);
//   the multipliers come from java.util.Random(seed).nextInt(Integer.MAX_VALUE);
//   integral items hash by multiplication modulo 2^31 - 1, strings and
//   binaries by Spark's Murmur3 x86_32 (double hashing across rows).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spate {

class CountMinSketch {
 public:
  CountMinSketch(double eps, double confidence, int32_t seed);

  void AddLong(int64_t item);
  void AddBytes(std::string_view item);
  std::string Serialize() const;

 private:
  int32_t depth_, width_;
  int64_t total_ = 0;
  std::vector<int64_t> multipliers_;
  std::vector<int64_t> table_;  // depth_ rows of width_ counts
};

/// Spark's Murmur3_x86_32.hashUnsafeBytes (its trailing bytes are mixed one
/// at a time, unlike the reference Murmur3).
int32_t SparkMurmur3Bytes(std::string_view bytes, int32_t seed);

}  // namespace spate
