#include "spate/sketches/theta_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "spate/sketches/murmur3.h"

namespace spate::sketches {

namespace {

constexpr uint8_t kFamilyCompact = 3;
constexpr uint8_t kFlagReadOnly = 0x02, kFlagEmpty = 0x04, kFlagCompact = 0x08, kFlagOrdered = 0x10,
                  kFlagSingleItem = 0x20;

void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetLe(std::string_view in, size_t offset, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
  return v;
}

// Bits written most significant first, one value after another.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  void Write(uint64_t value, int bits) {
    for (int b = bits - 1; b >= 0; --b) {
      if (used_ == 0) out_->push_back('\0');
      if ((value >> b) & 1) out_->back() = static_cast<char>(out_->back() | (0x80 >> used_));
      used_ = (used_ + 1) & 7;
    }
  }

 private:
  std::string* out_;
  int used_ = 0;
};

class BitReader {
 public:
  BitReader(std::string_view in, size_t offset) : in_(in), bit_(offset * 8) {}
  std::optional<uint64_t> Read(int bits) {
    if (bit_ + bits > in_.size() * 8) return std::nullopt;
    uint64_t v = 0;
    for (int b = 0; b < bits; ++b, ++bit_) {
      v = (v << 1) | ((static_cast<unsigned char>(in_[bit_ / 8]) >> (7 - bit_ % 8)) & 1);
    }
    return v;
  }

 private:
  std::string_view in_;
  size_t bit_;
};

}  // namespace

void ThetaSketch::UpdateHash(uint64_t hash) {
  empty_ = false;
  if (hash == 0 || hash >= theta_) return;
  hashes_.push_back(hash);
  normalized_ = false;
  if (hashes_.size() >= (size_t{2} << lg_nom_entries_)) Normalize();
}

void ThetaSketch::UpdateKey(std::string_view key) { UpdateHash(Murmur3x64_128(key, kDefaultSeed).first >> 1); }

void ThetaSketch::UpdateLong(int64_t v) { UpdateHash(Murmur3x64_128(v, kDefaultSeed).first >> 1); }

void ThetaSketch::UpdateDouble(double v) {
  if (v == 0.0) v = 0.0;  // -0.0
  int64_t bits = 0x7ff8000000000000LL;  // Java's canonical NaN
  if (!std::isnan(v)) std::memcpy(&bits, &v, sizeof bits);
  UpdateLong(bits);
}

void ThetaSketch::UpdateBytes(std::string_view bytes) {
  if (!bytes.empty()) UpdateKey(bytes);
}

void ThetaSketch::UpdateInts(const std::vector<int32_t>& values) {
  std::string key;
  for (int32_t v : values) PutLe(&key, static_cast<uint32_t>(v), 4);
  UpdateBytes(key);
}

void ThetaSketch::UpdateLongs(const std::vector<int64_t>& values) {
  std::string key;
  for (int64_t v : values) PutLe(&key, static_cast<uint64_t>(v), 8);
  UpdateBytes(key);
}

void ThetaSketch::Normalize() const {
  if (normalized_) return;
  std::sort(hashes_.begin(), hashes_.end());
  hashes_.erase(std::unique(hashes_.begin(), hashes_.end()), hashes_.end());
  const size_t k = size_t{1} << lg_nom_entries_;
  if (hashes_.size() > k) {
    theta_ = hashes_[k];
    hashes_.resize(k);
  }
  normalized_ = true;
}

uint64_t ThetaSketch::theta() const {
  Normalize();
  return theta_;
}

const std::vector<uint64_t>& ThetaSketch::hashes() const {
  Normalize();
  return hashes_;
}

double ThetaSketch::Estimate() const {
  Normalize();
  if (theta_ == kMaxTheta) return static_cast<double>(hashes_.size());
  return static_cast<double>(hashes_.size()) / (static_cast<double>(theta_) / static_cast<double>(kMaxTheta));
}

std::string ThetaSketch::Serialize() const {
  Normalize();
  const uint16_t seed_hash = SeedHash(kDefaultSeed);
  const size_t count = hashes_.size();
  const bool estimating = theta_ < kMaxTheta;
  // An empty sketch is one with no hashes and theta 1.0 (whatever it saw).
  const bool empty = count == 0 && !estimating;
  std::string out;
  auto header = [&](int pre_longs, int version, uint8_t byte3, uint8_t byte4, uint8_t flags, uint16_t hash) {
    out.push_back(static_cast<char>(pre_longs));
    out.push_back(static_cast<char>(version));
    out.push_back(static_cast<char>(kFamilyCompact));
    out.push_back(static_cast<char>(byte3));
    out.push_back(static_cast<char>(byte4));
    out.push_back(static_cast<char>(flags));
    PutLe(&out, hash, 2);
  };
  const uint8_t flags = kFlagReadOnly | kFlagCompact | kFlagOrdered;
  if (empty) {
    header(1, 3, 0, 0, flags | kFlagEmpty, 0);
    return out;
  }
  if (count == 1 && !estimating) {
    header(1, 3, 0, 0, flags | kFlagSingleItem, seed_hash);
    PutLe(&out, hashes_[0], 8);
    return out;
  }
  if (count == 0) {  // no hashes below a theta < 1.0
    header(3, 3, 0, 0, flags, seed_hash);
    PutLe(&out, 0, 4);
    PutLe(&out, std::bit_cast<uint32_t>(1.0f), 4);
    PutLe(&out, theta_, 8);
    return out;
  }
  // Version 4: the deltas between the ascending hashes, each in as many bits
  // as the widest needs, after the count in as many bytes as it needs.
  uint64_t ored = 0, previous = 0;
  for (uint64_t h : hashes_) {
    ored |= h - previous;
    previous = h;
  }
  const int entry_bits = 64 - std::countl_zero(ored);
  const int count_bits = 32 - std::countl_zero(static_cast<uint32_t>(count));
  const int count_bytes = (count_bits + 7) / 8;
  header(estimating ? 2 : 1, 4, static_cast<uint8_t>(entry_bits), static_cast<uint8_t>(count_bytes), flags, seed_hash);
  if (estimating) PutLe(&out, theta_, 8);
  PutLe(&out, count, count_bytes);
  BitWriter bits(&out);
  previous = 0;
  for (uint64_t h : hashes_) {
    bits.Write(h - previous, entry_bits);
    previous = h;
  }
  return out;
}

std::optional<ThetaSketch> ThetaSketch::Deserialize(std::string_view bytes) {
  if (bytes.size() < 8) return std::nullopt;
  const int pre_longs = static_cast<unsigned char>(bytes[0]) & 0x3f;
  const int version = static_cast<unsigned char>(bytes[1]);
  const int family = static_cast<unsigned char>(bytes[2]);
  const uint8_t flags = static_cast<uint8_t>(bytes[5]);
  const auto seed_hash = static_cast<uint16_t>(GetLe(bytes, 6, 2));
  if (family != kFamilyCompact || (flags & kFlagCompact) == 0 || (flags & 0x01) != 0) return std::nullopt;
  ThetaSketch sketch;
  if ((flags & kFlagEmpty) != 0) return sketch;
  if (seed_hash != SeedHash(kDefaultSeed)) return std::nullopt;
  sketch.empty_ = false;
  sketch.normalized_ = false;
  if (version == 3) {
    if (pre_longs < 1 || pre_longs > 3 || bytes.size() < static_cast<size_t>(pre_longs) * 8) return std::nullopt;
    size_t count = 0;
    if ((flags & kFlagSingleItem) != 0 || pre_longs == 1) {
      count = bytes.size() >= 16 ? 1 : 0;
    } else {
      count = GetLe(bytes, 8, 4);
    }
    if (pre_longs == 3) sketch.theta_ = GetLe(bytes, 16, 8);
    const size_t start = static_cast<size_t>(pre_longs) * 8;
    if (bytes.size() < start + count * 8) return std::nullopt;
    for (size_t i = 0; i < count; ++i) {
      const uint64_t h = GetLe(bytes, start + 8 * i, 8);
      if (h == 0 || h >= sketch.theta_) return std::nullopt;
      sketch.hashes_.push_back(h);
    }
  } else if (version == 4) {
    const int entry_bits = static_cast<unsigned char>(bytes[3]);
    const int count_bytes = static_cast<unsigned char>(bytes[4]);
    if ((pre_longs != 1 && pre_longs != 2) || entry_bits < 1 || entry_bits > 64 || count_bytes < 1 ||
        count_bytes > 4) {
      return std::nullopt;
    }
    size_t offset = 8;
    if (pre_longs == 2) {
      if (bytes.size() < 16) return std::nullopt;
      sketch.theta_ = GetLe(bytes, 8, 8);
      offset = 16;
    }
    if (bytes.size() < offset + count_bytes) return std::nullopt;
    const size_t count = GetLe(bytes, offset, count_bytes);
    BitReader reader(bytes, offset + count_bytes);
    uint64_t previous = 0;
    for (size_t i = 0; i < count; ++i) {
      auto delta = reader.Read(entry_bits);
      if (!delta) return std::nullopt;
      previous += *delta;
      if (previous == 0 || previous >= sketch.theta_) return std::nullopt;
      sketch.hashes_.push_back(previous);
    }
  } else {
    return std::nullopt;
  }
  if (sketch.theta_ == 0 || sketch.theta_ > kMaxTheta) return std::nullopt;
  // A deserialized sketch keeps every hash it holds (it was built with its own k).
  std::sort(sketch.hashes_.begin(), sketch.hashes_.end());
  sketch.hashes_.erase(std::unique(sketch.hashes_.begin(), sketch.hashes_.end()), sketch.hashes_.end());
  sketch.lg_nom_entries_ = kMaxLgNomEntries;
  sketch.normalized_ = true;
  return sketch;
}

void ThetaUnion::Add(const ThetaSketch& sketch) {
  if (sketch.empty()) return;
  const uint64_t theta = std::min(result_.theta(), sketch.theta());
  result_.empty_ = false;
  result_.theta_ = theta;
  std::erase_if(result_.hashes_, [theta](uint64_t h) { return h >= theta; });
  for (uint64_t h : sketch.hashes()) {
    if (h < theta) result_.hashes_.push_back(h);
  }
  result_.normalized_ = false;
  result_.Normalize();
}

ThetaSketch ThetaUnion::Result() const {
  ThetaSketch out = result_;
  out.Normalize();
  return out;
}

void ThetaIntersection::Add(const ThetaSketch& sketch) {
  if (!result_) {
    result_ = sketch;
    result_->Normalize();
    return;
  }
  if (result_->empty() || sketch.empty()) {
    result_ = ThetaSketch();
    return;
  }
  const uint64_t theta = std::min(result_->theta(), sketch.theta());
  const std::vector<uint64_t>& other = sketch.hashes();
  std::vector<uint64_t> kept;
  for (uint64_t h : result_->hashes()) {
    if (h < theta && std::binary_search(other.begin(), other.end(), h)) kept.push_back(h);
  }
  result_->theta_ = theta;
  result_->hashes_ = std::move(kept);
}

ThetaSketch ThetaAnotB(const ThetaSketch& a, const ThetaSketch& b) {
  if (a.empty() || b.empty()) return a;
  ThetaSketch out = a;
  out.Normalize();
  const uint64_t theta = std::min(a.theta(), b.theta());
  const std::vector<uint64_t>& other = b.hashes();
  std::erase_if(out.hashes_, [&](uint64_t h) { return h >= theta || std::binary_search(other.begin(), other.end(), h); });
  out.theta_ = theta;
  return out;
}

}  // namespace spate::sketches
