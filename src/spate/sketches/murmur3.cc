#include "spate/sketches/murmur3.h"

#include <cstring>

namespace spate::sketches {

namespace {

constexpr uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr uint64_t kC2 = 0x4cf5ad432745937fULL;

uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t Fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

uint64_t LoadLe(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

std::pair<uint64_t, uint64_t> Murmur3x64_128(std::string_view key, uint64_t seed) {
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const size_t len = key.size();
  const size_t blocks = len / 16;
  uint64_t h1 = seed, h2 = seed;
  for (size_t i = 0; i < blocks; ++i) {
    uint64_t k1 = LoadLe(data + 16 * i, 8);
    uint64_t k2 = LoadLe(data + 16 * i + 8, 8);
    k1 *= kC1;
    k1 = Rotl(k1, 31);
    k1 *= kC2;
    h1 ^= k1;
    h1 = Rotl(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= kC2;
    k2 = Rotl(k2, 33);
    k2 *= kC1;
    h2 ^= k2;
    h2 = Rotl(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }
  const unsigned char* tail = data + 16 * blocks;
  const size_t rest = len & 15;
  if (rest > 8) {
    uint64_t k2 = LoadLe(tail + 8, rest - 8);
    k2 *= kC2;
    k2 = Rotl(k2, 33);
    k2 *= kC1;
    h2 ^= k2;
  }
  if (rest > 0) {
    uint64_t k1 = LoadLe(tail, rest < 8 ? rest : 8);
    k1 *= kC1;
    k1 = Rotl(k1, 31);
    k1 *= kC2;
    h1 ^= k1;
  }
  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = Fmix(h1);
  h2 = Fmix(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

std::pair<uint64_t, uint64_t> Murmur3x64_128(int64_t key, uint64_t seed) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(static_cast<uint64_t>(key) >> (8 * i));
  return Murmur3x64_128(std::string_view(reinterpret_cast<const char*>(bytes), 8), seed);
}

uint16_t SeedHash(uint64_t seed) { return static_cast<uint16_t>(Murmur3x64_128(static_cast<int64_t>(seed), 0).first); }

}  // namespace spate::sketches
