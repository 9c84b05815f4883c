#include "spate/aggregates/count_min_sketch.h"

#include <cmath>
#include <cstdlib>

#include "spate/common/java_random.h"
#include "spate/common/murmur3.h"

namespace spate {

namespace {

using murmur3::Fmix32;
using murmur3::MixH1;
using murmur3::MixK1;

void PutBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

int32_t SparkMurmur3Bytes(std::string_view bytes, int32_t seed) {
  const size_t aligned = bytes.size() - bytes.size() % 4;
  uint32_t h1 = static_cast<uint32_t>(seed);
  for (size_t i = 0; i < aligned; i += 4) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + i);
    const uint32_t word = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
    h1 = MixH1(h1, MixK1(word));
  }
  for (size_t i = aligned; i < bytes.size(); ++i) {
    const auto half_word = static_cast<int32_t>(static_cast<signed char>(bytes[i]));
    h1 = MixH1(h1, MixK1(static_cast<uint32_t>(half_word)));
  }
  return static_cast<int32_t>(Fmix32(h1, static_cast<uint32_t>(bytes.size())));
}

CountMinSketch::CountMinSketch(double eps, double confidence, int32_t seed)
    : depth_(static_cast<int32_t>(std::ceil(-std::log(1 - confidence) / std::log(2.0)))),
      width_(static_cast<int32_t>(std::ceil(2 / eps))) {
  JavaRandom random(seed);
  for (int32_t i = 0; i < depth_; ++i) multipliers_.push_back(random.NextInt(INT32_MAX));
  table_.assign(static_cast<size_t>(depth_) * width_, 0);
}

void CountMinSketch::AddLong(int64_t item) {
  for (int32_t i = 0; i < depth_; ++i) {
    uint64_t h = static_cast<uint64_t>(multipliers_[i]) * static_cast<uint64_t>(item);
    h += static_cast<uint64_t>(static_cast<int64_t>(h) >> 32);
    h &= (1ULL << 31) - 1;
    table_[static_cast<size_t>(i) * width_ + static_cast<int32_t>(h) % width_] += 1;
  }
  ++total_;
}

void CountMinSketch::AddBytes(std::string_view item) {
  const int32_t h1 = SparkMurmur3Bytes(item, 0);
  const int32_t h2 = SparkMurmur3Bytes(item, h1);
  for (int32_t i = 0; i < depth_; ++i) {
    const auto combined = static_cast<int32_t>(static_cast<uint32_t>(h1) + static_cast<uint32_t>(i) * static_cast<uint32_t>(h2));
    table_[static_cast<size_t>(i) * width_ + std::abs(combined % width_)] += 1;
  }
  ++total_;
}

std::string CountMinSketch::Serialize() const {
  std::string out;
  PutBigEndian(&out, 1, 4);
  PutBigEndian(&out, static_cast<uint64_t>(total_), 8);
  PutBigEndian(&out, static_cast<uint32_t>(depth_), 4);
  PutBigEndian(&out, static_cast<uint32_t>(width_), 4);
  for (int64_t m : multipliers_) PutBigEndian(&out, static_cast<uint64_t>(m), 8);
  for (int64_t c : table_) PutBigEndian(&out, static_cast<uint64_t>(c), 8);
  return out;
}

}  // namespace spate
