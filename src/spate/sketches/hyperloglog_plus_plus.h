#pragma once

// Spark's HyperLogLog++ (approx_count_distinct): 2^p registers of 6 bits,
// ten to a little-endian 64-bit word (the last 4 bits of a word unused), one
// word more than needed, as Spark lays out its aggregation buffer. A value
// enters as its 64-bit hash: the top p bits choose the register, which keeps
// the largest count of leading zeros (plus one) seen in the other bits.
// Merging is the register-wise maximum; the estimate is Spark's: linear
// counting for small counts, otherwise the raw HyperLogLog estimate less the
// empirical bias of the HLL++ paper (for p < 19), rounded to the nearest long.

#include <cstdint>
#include <optional>

namespace spate::sketches {

class HyperLogLogPlusPlus {
 public:
  /// p = ceil(2 log2(1.106 / rsd)), as Spark computes it; nullopt when it is
  /// below 4 (rsd above 39%) or rsd is not a positive number.
  static std::optional<int> PrecisionFor(double relative_sd);

  explicit HyperLogLogPlusPlus(int p);

  int num_words() const { return num_words_; }
  /// Registers `words` take the value hashed to `hash`.
  void Update(uint64_t hash, uint64_t* words) const;
  /// Registers `into` take the maximum of theirs and those of `from`.
  void Merge(uint64_t* into, const uint64_t* from) const;
  /// The estimated number of distinct values.
  int64_t Estimate(const uint64_t* words) const;

 private:
  double EstimateBias(double e) const;

  int p_;
  int m_;  // 2^p registers
  int num_words_;
  double alpha_m2_;
};

namespace hll_data {
struct Table {
  const double* raw_estimates;
  const double* biases;
  int size;
  double linear_counting_threshold;
};
inline constexpr int kNumPrecisions = 15;  // p = 4 .. 18
extern const Table kTables[kNumPrecisions];
}  // namespace hll_data

}  // namespace spate::sketches
