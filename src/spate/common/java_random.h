#pragma once

// java.util.Random: a 48-bit linear congruential generator, for what Spark
// draws from one (the count-min sketch's hash multipliers; the per-partition
// seeds of RDD.sample). Not thread-safe.

#include <cstdint>

namespace spate {

class JavaRandom {
 public:
  explicit JavaRandom(int64_t seed) : seed_((static_cast<uint64_t>(seed) ^ kMultiplier) & kMask) {}

  /// java.util.Random.nextInt(bound).
  int32_t NextInt(int32_t bound) {
    int32_t r = Next(31);
    const int32_t m = bound - 1;
    if ((bound & m) == 0) return static_cast<int32_t>((static_cast<int64_t>(bound) * r) >> 31);
    for (int32_t u = r; u - (r = u % bound) + m < 0; u = Next(31)) {
    }
    return r;
  }

  /// java.util.Random.nextLong: two draws of 32 bits, the first the high half.
  int64_t NextLong() {
    int64_t high = Next(32);
    return static_cast<int64_t>(static_cast<uint64_t>(high) << 32) + Next(32);
  }

 private:
  int32_t Next(int bits) {
    seed_ = (seed_ * kMultiplier + 0xB) & kMask;
    return static_cast<int32_t>(static_cast<int64_t>(seed_) >> (48 - bits));
  }

  static constexpr uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr uint64_t kMask = (1ULL << 48) - 1;
  uint64_t seed_;
};

}  // namespace spate
