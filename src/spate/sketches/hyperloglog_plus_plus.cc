#include "spate/sketches/hyperloglog_plus_plus.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace spate::sketches {

namespace {

constexpr int kRegisterBits = 6;
constexpr int kRegistersPerWord = 64 / kRegisterBits;  // 10
constexpr uint64_t kRegisterMask = (1u << kRegisterBits) - 1;
constexpr int kNeighbours = 6;  // the estimates the bias is interpolated from

// Where java.util.Arrays.binarySearch finds `key`, or would insert it. The
// estimates of a few precisions are not quite sorted, so the search itself,
// not only its result, must be Java's to pick the same neighbours.
int JavaBinarySearch(const double* values, int size, double key) {
  int low = 0, high = size - 1;
  while (low <= high) {
    const int mid = (low + high) / 2;
    if (values[mid] < key) {
      low = mid + 1;
    } else if (values[mid] > key) {
      high = mid - 1;
    } else {
      return mid;  // equal (no NaN among the estimates)
    }
  }
  return low;
}

}  // namespace

std::optional<int> HyperLogLogPlusPlus::PrecisionFor(double relative_sd) {
  if (!(relative_sd > 0)) return std::nullopt;
  const double p = std::ceil(2.0 * std::log(1.106 / relative_sd) / std::log(2.0));
  if (p < 4) return std::nullopt;
  return static_cast<int>(p);
}

HyperLogLogPlusPlus::HyperLogLogPlusPlus(int p)
    : p_(p), m_(1 << p), num_words_(m_ / kRegistersPerWord + 1) {
  const double m = m_;
  switch (p) {
    case 4: alpha_m2_ = 0.673 * m * m; break;
    case 5: alpha_m2_ = 0.697 * m * m; break;
    case 6: alpha_m2_ = 0.709 * m * m; break;
    default: alpha_m2_ = (0.7213 / (1.0 + 1.079 / m)) * m * m;
  }
}

void HyperLogLogPlusPlus::Update(uint64_t hash, uint64_t* words) const {
  const int index = static_cast<int>(hash >> (64 - p_));
  const uint64_t w = (hash << p_) | (uint64_t{1} << (p_ - 1));
  const uint64_t zeros = static_cast<uint64_t>(std::countl_zero(w)) + 1;
  uint64_t& word = words[index / kRegistersPerWord];
  const int shift = kRegisterBits * (index % kRegistersPerWord);
  if (zeros > ((word >> shift) & kRegisterMask)) {
    word = (word & ~(kRegisterMask << shift)) | (zeros << shift);
  }
}

void HyperLogLogPlusPlus::Merge(uint64_t* into, const uint64_t* from) const {
  for (int w = 0; w < num_words_; ++w) {
    uint64_t word = 0;
    for (int shift = 0; shift < kRegistersPerWord * kRegisterBits; shift += kRegisterBits) {
      const uint64_t mask = kRegisterMask << shift;
      word |= std::max(into[w] & mask, from[w] & mask);
    }
    into[w] = word;
  }
}

// The bias at raw estimate `e`: the mean bias of the kNeighbours measured
// estimates nearest to it (Spark's window search).
double HyperLogLogPlusPlus::EstimateBias(double e) const {
  const hll_data::Table& t = hll_data::kTables[p_ - 4];
  const int nearest = JavaBinarySearch(t.raw_estimates, t.size, e);
  auto distance = [&](int i) { return (e - t.raw_estimates[i]) * (e - t.raw_estimates[i]); };
  int low = std::max(nearest - kNeighbours + 1, 0);
  int high = std::min(low + kNeighbours, t.size);
  while (high < t.size && distance(high) < distance(low)) {
    ++low;
    ++high;
  }
  double sum = 0;
  for (int i = low; i < high; ++i) sum += t.biases[i];
  return sum / (high - low);
}

int64_t HyperLogLogPlusPlus::Estimate(const uint64_t* words) const {
  double z_inverse = 0, zeros = 0;
  for (int index = 0; index < m_; ++index) {
    const uint64_t r = (words[index / kRegistersPerWord] >> (kRegisterBits * (index % kRegistersPerWord))) &
                       kRegisterMask;
    z_inverse += 1.0 / static_cast<double>(uint64_t{1} << r);
    if (r == 0) zeros += 1;
  }
  const double m = m_;
  const double e = alpha_m2_ / z_inverse;
  auto bias_corrected = [&] { return p_ < 19 && e < 5.0 * m ? e - EstimateBias(e) : e; };
  double estimate;
  if (zeros > 0) {
    const double h = m * std::log(m / zeros);  // linear counting
    const bool linear = (p_ < 19 && h <= hll_data::kTables[p_ - 4].linear_counting_threshold) || e <= 2.5 * m;
    estimate = linear ? h : bias_corrected();
  } else {
    estimate = bias_corrected();
  }
  return static_cast<int64_t>(std::floor(estimate + 0.5));  // Java's Math.round
}

}  // namespace spate::sketches
