#include "spate/common/xorshift_random.h"

#include <cmath>

#include "spate/common/murmur3.h"

namespace spate {

namespace {

using murmur3::Fmix32;
using murmur3::MixH1;
using murmur3::MixK1;

// scala.util.hashing.MurmurHash3.bytesHash of 8 bytes (two little-endian words).
uint32_t ScalaBytesHash(const unsigned char* b, uint32_t seed) {
  uint32_t h = seed;
  for (int i = 0; i < 8; i += 4) {
    uint32_t k = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (uint32_t{b[i + 3]} << 24);
    h = MixH1(h, MixK1(k));
  }
  return Fmix32(h, 8);
}

}  // namespace

XorShiftRandom::XorShiftRandom(int64_t seed) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(static_cast<uint64_t>(seed) >> (56 - 8 * i));
  uint32_t low = ScalaBytesHash(bytes, 0x3c074a61u);
  uint32_t high = ScalaBytesHash(bytes, low);
  state_ = (uint64_t{high} << 32) | low;
}

int32_t XorShiftRandom::Next(int bits) {
  uint64_t x = state_;
  x ^= x << 21;
  x ^= x >> 35;
  x ^= x << 4;
  state_ = x;
  return static_cast<int32_t>(x & ((uint64_t{1} << bits) - 1));
}

double XorShiftRandom::NextDouble() {
  return static_cast<double>((static_cast<int64_t>(Next(26)) << 27) + Next(27)) * 0x1.0p-53;
}

int32_t XorShiftRandom::NextInt(int32_t bound) {
  int32_t r = Next(31);
  int32_t m = bound - 1;
  if ((bound & m) == 0) return static_cast<int32_t>((int64_t{bound} * r) >> 31);
  for (int32_t u = r; u - (r = u % bound) + m < 0; u = Next(31)) {
  }
  return r;
}

double XorShiftRandom::NextGaussian() {
  if (have_next_) {
    have_next_ = false;
    return next_gaussian_;
  }
  double v1, v2, s;
  do {
    v1 = 2 * NextDouble() - 1;
    v2 = 2 * NextDouble() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s >= 1 || s == 0);
  double multiplier = std::sqrt(-2 * std::log(s) / s);
  next_gaussian_ = v2 * multiplier;
  have_next_ = true;
  return v1 * multiplier;
}

}  // namespace spate
