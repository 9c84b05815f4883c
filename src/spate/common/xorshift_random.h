#pragma once

// Spark's XORShiftRandom: a java.util.Random whose next(bits) is an xorshift
// of a 64-bit state, its seed spread by MurmurHash3 as Spark's hashSeed does.
// Spark seeds one per partition with seed + partition index; rand(seed) draws
// from it, and so does Dataset.sample (BernoulliCellSampler keeps a row when
// its draw is below the fraction). Not thread-safe.

#include <cstdint>

namespace spate {

class XorShiftRandom {
 public:
  explicit XorShiftRandom(int64_t seed);

  int32_t Next(int bits);
  /// java.util.Random.nextDouble: uniform in [0, 1).
  double NextDouble();
  /// java.util.Random.nextInt(bound).
  int32_t NextInt(int32_t bound);
  /// java.util.Random.nextGaussian (the polar method, one value cached).
  double NextGaussian();

 private:
  uint64_t state_;
  bool have_next_ = false;
  double next_gaussian_ = 0;
};

}  // namespace spate
