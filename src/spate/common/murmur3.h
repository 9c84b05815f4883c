#pragma once

// The steps of Murmur3_x86_32 as Spark's hash(), its count-min sketch and its
// XORShiftRandom's seed hashing use them: mix a 4-byte word into the running
// hash, then finalize with the length in bytes.

#include <cstdint>

namespace spate::murmur3 {

inline uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// The word `k` scrambled, ready to mix.
inline uint32_t MixK1(uint32_t k) { return Rotl32(k * 0xcc9e2d51u, 15) * 0x1b873593u; }

// The running hash `h` with a scrambled word `k1` mixed in.
inline uint32_t MixH1(uint32_t h, uint32_t k1) { return Rotl32(h ^ k1, 13) * 5 + 0xe6546b64u; }

// The final avalanche, after `length` bytes.
inline uint32_t Fmix32(uint32_t h, uint32_t length) {
  h ^= length;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

}  // namespace spate::murmur3
