#pragma once

// MurmurHash3 x64_128 (Austin Appleby's 128-bit hash for 64-bit platforms),
// the hash of the DataSketches Theta and HLL sketches. Keys are bytes; a
// long or an array of longs hashes as its little-endian bytes.

#include <cstdint>
#include <string_view>
#include <utility>

namespace spate::sketches {

/// The two 64-bit halves (h1, h2) of the 128-bit hash of `key`.
std::pair<uint64_t, uint64_t> Murmur3x64_128(std::string_view key, uint64_t seed);

/// The hash of one long (its 8 little-endian bytes).
std::pair<uint64_t, uint64_t> Murmur3x64_128(int64_t key, uint64_t seed);

/// DataSketches' seed: 9001; and the 16-bit hash of a seed stored in a sketch.
inline constexpr uint64_t kDefaultSeed = 9001;
uint16_t SeedHash(uint64_t seed);

}  // namespace spate::sketches
