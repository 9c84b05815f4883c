#include "spate/expr/sketch_kll.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <type_traits>

#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/value_format.h"

namespace spate {

namespace {

constexpr uint8_t kFamily = 15;
constexpr uint8_t kEmptyFlag = 1, kLevelZeroSortedFlag = 2, kSingleItemFlag = 4;
constexpr int kPreambleBytes = 8;    // empty and single-item sketches
constexpr int kFullPreambleBytes = 20;
constexpr int kMaxLevels = 61;

// The nominal capacity of a level `depth` levels below the top: k * (2/3)^depth,
// rounded as DataSketches rounds it (in two steps beyond depth 30).
int64_t CapacityAtDepth(int64_t k, int depth) {
  auto step = [](int64_t kk, int d) {
    int64_t pow3 = 1;
    for (int i = 0; i < d; ++i) pow3 *= 3;
    return (((kk << 1) << d) / pow3 + 1) >> 1;
  };
  if (depth <= 30) return step(k, depth);
  const int half = depth / 2;
  return step(step(k, half), depth - half);
}

int LevelCapacity(int k, int num_levels, int level, int m) {
  return static_cast<int>(std::max<int64_t>(m, CapacityAtDepth(k, num_levels - level - 1)));
}

int TotalCapacity(int k, int m, int num_levels) {
  int64_t total = 0;
  for (int level = 0; level < num_levels; ++level) total += LevelCapacity(k, num_levels, level, m);
  return static_cast<int>(total);
}

// DataSketches' best fit to the 99th percentile of the measured rank error.
double NormalizedRankError(int k, bool pmf) {
  return pmf ? 2.446 / std::pow(k, 0.9433) : 2.296 / std::pow(k, 0.9723);
}

int LevelSize(int level, int num_levels, const std::vector<int>& levels) {
  return level >= num_levels ? 0 : levels[level + 1] - levels[level];
}

bool RandomBit() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return (engine() & 1) != 0;
}

template <typename T>
bool IsNaN(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  return false;
}

// Java's ordering of Arrays.sort (-0.0 before 0.0); NaN never reaches a sketch.
template <typename T>
bool SortLess(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (a == b) return std::signbit(a) && !std::signbit(b);
  }
  return a < b;
}

// Java's Math.min / Math.max (-0.0 is below 0.0).
template <typename T>
T JavaMin(T a, T b) { return SortLess(b, a) ? b : a; }
template <typename T>
T JavaMax(T a, T b) { return SortLess(a, b) ? b : a; }

// Half of the even `length` items at `start` (sorted), every other one from a
// random offset: moved to the bottom half (down) or the top half (up).
template <typename T>
void HalveDown(T* buf, int start, int length) {
  const int half = length / 2;
  int j = start + (RandomBit() ? 1 : 0);
  for (int i = start; i < start + half; ++i, j += 2) buf[i] = buf[j];
}

template <typename T>
void HalveUp(T* buf, int start, int length) {
  const int half = length / 2;
  int j = start + length - 1 - (RandomBit() ? 1 : 0);
  for (int i = start + length - 1; i >= start + half; --i, j -= 2) buf[i] = buf[j];
}

// Merges sorted a[0, len_a) and b[0, len_b) into c; c may overlap b from below.
template <typename T>
void MergeSorted(const T* a, int len_a, const T* b, int len_b, T* c) {
  int i = 0, j = 0;
  for (int out = 0; out < len_a + len_b; ++out) {
    if (i == len_a) {
      c[out] = b[j++];
    } else if (j == len_b || a[i] < b[j]) {
      c[out] = a[i++];
    } else {
      c[out] = b[j++];
    }
  }
}

// Compacts the levels of buf (in_levels, num_levels of them) in place until the
// items fit the capacity of the levels; returns {num_levels, capacity, items}
// and the new level offsets in out_levels.
template <typename T>
std::array<int, 3> GeneralCompress(int k, int m, int num_levels, T* buf, std::vector<int>& in_levels,
                                   std::vector<int>& out_levels, bool level_zero_sorted) {
  int count = in_levels[num_levels] - in_levels[0];
  int target = TotalCapacity(k, m, num_levels);
  out_levels[0] = 0;
  for (int level = 0;; ++level) {
    if (level == num_levels - 1) in_levels[level + 2] = in_levels[level + 1];
    const int raw_beg = in_levels[level], raw_lim = in_levels[level + 1];
    const int raw_pop = raw_lim - raw_beg;
    if (count < target || raw_pop < LevelCapacity(k, num_levels, level, m)) {
      std::memmove(buf + out_levels[level], buf + raw_beg, sizeof(T) * raw_pop);  // moves down or stays
      out_levels[level + 1] = out_levels[level] + raw_pop;
    } else {
      const int pop_above = in_levels[level + 2] - raw_lim;
      const bool odd = raw_pop % 2 == 1;
      const int adj_beg = odd ? raw_beg + 1 : raw_beg;
      const int adj_pop = odd ? raw_pop - 1 : raw_pop;
      const int half = adj_pop / 2;
      if (odd) {
        buf[out_levels[level]] = buf[raw_beg];
        out_levels[level + 1] = out_levels[level] + 1;
      } else {
        out_levels[level + 1] = out_levels[level];
      }
      if (level == 0 && !level_zero_sorted) std::sort(buf + adj_beg, buf + adj_beg + adj_pop, SortLess<T>);
      if (pop_above == 0) {
        HalveUp(buf, adj_beg, adj_pop);
      } else {
        HalveDown(buf, adj_beg, adj_pop);
        MergeSorted(buf + adj_beg, half, buf + raw_lim, pop_above, buf + adj_beg + half);
      }
      count -= half;
      in_levels[level + 1] -= half;
      if (level == num_levels - 1) {
        ++num_levels;
        target += LevelCapacity(k, num_levels, 0, m);
      }
    }
    if (level == num_levels - 1) break;
  }
  return {num_levels, target, count};
}

// Little-endian reads and writes.
template <typename V>
void Put(std::string* out, V v) {
  char bytes[sizeof(V)];
  std::memcpy(bytes, &v, sizeof(V));
  if constexpr (std::endian::native == std::endian::big) std::reverse(bytes, bytes + sizeof(V));
  out->append(bytes, sizeof(V));
}

template <typename V>
V Get(std::string_view bytes, size_t offset) {
  char b[sizeof(V)];
  std::memcpy(b, bytes.data() + offset, sizeof(V));
  if constexpr (std::endian::native == std::endian::big) std::reverse(b, b + sizeof(V));
  V v;
  std::memcpy(&v, b, sizeof(V));
  return v;
}

template <typename T>
struct ItemTraits;
template <>
struct ItemTraits<int64_t> {
  static constexpr const char* kName = "KllLongsSketch";
  static std::string Text(int64_t v) { return std::to_string(v); }
};
template <>
struct ItemTraits<double> {
  static constexpr const char* kName = "KllDoublesSketch";
  static std::string Text(double v) { return JavaDoubleString(v); }
};
template <>
struct ItemTraits<float> {
  static constexpr const char* kName = "KllFloatsSketch";
  static std::string Text(float v) { return JavaFloatString(v); }
};

}  // namespace

template <typename T>
KllSketch<T>::KllSketch(int k) : k_(k), min_k_(k), levels_{k, k}, items_(k) {
  if constexpr (std::is_floating_point_v<T>) min_ = max_ = std::numeric_limits<T>::quiet_NaN();
}

template <typename T>
void KllSketch<T>::UpdateMinMax(T item) {
  if (empty() || IsNaN(min_)) {
    min_ = max_ = item;
  } else {
    min_ = JavaMin(min_, item);
    max_ = JavaMax(max_, item);
  }
}

template <typename T>
void KllSketch<T>::Update(T item) {
  if (IsNaN(item)) return;
  Insert(item);
}

template <typename T>
void KllSketch<T>::Insert(T item) {
  UpdateMinMax(item);
  if (levels_[0] == 0) CompressWhileUpdating();
  ++n_;
  level_zero_sorted_ = false;
  items_[--levels_[0]] = item;
}

template <typename T>
void KllSketch<T>::AddEmptyTopLevel() {
  const int delta = LevelCapacity(k_, num_levels() + 1, 0, m_);
  for (int& offset : levels_) offset += delta;
  levels_.push_back(static_cast<int>(items_.size()) + delta);
  items_.insert(items_.begin(), delta, T{});
}

template <typename T>
void KllSketch<T>::CompressWhileUpdating() {
  int level = 0;
  while (LevelSize(level, num_levels(), levels_) < LevelCapacity(k_, num_levels(), level, m_)) ++level;
  if (level == num_levels() - 1) AddEmptyTopLevel();
  const int raw_beg = levels_[level], raw_end = levels_[level + 1];
  const int pop_above = levels_[level + 2] - raw_end;
  const int raw_pop = raw_end - raw_beg;
  const bool odd = raw_pop % 2 == 1;
  const int adj_beg = odd ? raw_beg + 1 : raw_beg;
  const int adj_pop = odd ? raw_pop - 1 : raw_pop;
  const int half = adj_pop / 2;
  T* buf = items_.data();
  if (level == 0) std::sort(buf + adj_beg, buf + adj_beg + adj_pop, SortLess<T>);
  if (pop_above == 0) {
    HalveUp(buf, adj_beg, adj_pop);
  } else {
    HalveDown(buf, adj_beg, adj_pop);
    MergeSorted(buf + adj_beg, half, buf + raw_end, pop_above, buf + adj_beg + half);
  }
  levels_[level + 1] -= half;
  if (odd) {
    levels_[level] = levels_[level + 1] - 1;  // the leftover item stays on this level
    buf[levels_[level]] = buf[raw_beg];
  } else {
    levels_[level] = levels_[level + 1];
  }
  if (level > 0) {  // the levels below move up by half, making room at the bottom
    std::memmove(buf + levels_[0] + half, buf + levels_[0], sizeof(T) * (raw_beg - levels_[0]));
  }
  for (int lvl = 0; lvl < level; ++lvl) levels_[lvl] += half;
}

template <typename T>
void KllSketch<T>::Merge(const KllSketch& other) {
  if (other.empty()) return;
  if (&other == this) {
    const KllSketch copy = other;
    Merge(copy);
    return;
  }
  const bool was_empty = empty();
  const T my_min = min_, my_max = max_;
  const int my_min_k = min_k_;
  const int64_t final_n = n_ + other.n_;
  for (int i = other.levels_[0]; i < other.levels_[1]; ++i) Insert(other.items_[i]);

  if (other.num_levels() > 1) {
    const int my_levels = num_levels(), other_levels = other.num_levels();
    const int provisional = std::max(my_levels, other_levels);
    const int ub = std::max(static_cast<int>(std::bit_width(static_cast<uint64_t>(final_n))), provisional);
    std::vector<T> work(retained() + (other.levels_[other_levels] - other.levels_[1]));
    std::vector<int> work_levels(ub + 2, 0), out_levels(ub + 2, 0);
    // Level 0 is this sketch's (other's level 0 was inserted above); above it
    // both sketches' levels merged.
    const int pop0 = LevelSize(0, my_levels, levels_);
    std::copy(items_.begin() + levels_[0], items_.begin() + levels_[0] + pop0, work.begin());
    work_levels[1] = pop0;
    for (int lvl = 1; lvl < provisional; ++lvl) {
      const int mine = LevelSize(lvl, my_levels, levels_);
      const int theirs = LevelSize(lvl, other_levels, other.levels_);
      work_levels[lvl + 1] = work_levels[lvl] + mine + theirs;
      const T* a = mine > 0 ? items_.data() + levels_[lvl] : nullptr;
      const T* b = theirs > 0 ? other.items_.data() + other.levels_[lvl] : nullptr;
      MergeSorted(a, mine, b, theirs, work.data() + work_levels[lvl]);
    }
    const auto [new_levels, capacity, count] =
        GeneralCompress(k_, m_, provisional, work.data(), work_levels, out_levels, level_zero_sorted_);
    std::vector<T> items(capacity);
    const int free_space = capacity - count;
    std::copy(work.begin() + out_levels[0], work.begin() + out_levels[0] + count, items.begin() + free_space);
    const int shift = free_space - out_levels[0];
    levels_.assign(new_levels + 1, 0);
    for (int lvl = 0; lvl <= new_levels; ++lvl) levels_[lvl] = out_levels[lvl] + shift;
    items_ = std::move(items);
  }
  n_ = final_n;
  if (other.num_levels() > 1) min_k_ = std::min(my_min_k, other.min_k_);
  if (was_empty || IsNaN(my_min)) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = JavaMin(my_min, other.min_);
    max_ = JavaMax(my_max, other.max_);
  }
}

template <typename T>
void KllSketch<T>::SortedView(std::vector<T>* items, std::vector<int64_t>* cumulative) const {
  std::vector<std::pair<T, int64_t>> weighted;
  weighted.reserve(retained());
  for (int level = 0; level < num_levels(); ++level) {
    for (int i = levels_[level]; i < levels_[level + 1]; ++i) weighted.emplace_back(items_[i], int64_t{1} << level);
  }
  std::stable_sort(weighted.begin(), weighted.end(),
                   [](const auto& a, const auto& b) { return SortLess(a.first, b.first); });
  // DataSketches adds the min and max items when compaction dropped them.
  const bool low = weighted.front().first != min_, high = weighted.back().first != max_;
  int64_t total = 0;
  if (low) {
    items->push_back(min_);
    cumulative->push_back(1);
  }
  for (const auto& [item, weight] : weighted) {
    total += weight;
    items->push_back(item);
    cumulative->push_back(total);
  }
  if (high) {
    cumulative->back() = total - 1;
    items->push_back(max_);
    cumulative->push_back(total);
  }
}

template <typename T>
T KllSketch<T>::Quantile(double rank) const {
  std::vector<T> items;
  std::vector<int64_t> cumulative;
  SortedView(&items, &cumulative);
  double natural = rank * static_cast<double>(n_);
  if (std::isnan(natural)) natural = 0;  // Java's rounding and (long) of NaN give 0
  constexpr double kTailRounding = 1e7;
  if (static_cast<double>(n_) <= kTailRounding) {
    natural = static_cast<double>(static_cast<int64_t>(std::floor(natural * kTailRounding + 0.5))) / kTailRounding;
  }
  const auto target = static_cast<int64_t>(std::ceil(natural));
  auto it = std::lower_bound(cumulative.begin(), cumulative.end(), target);
  if (it == cumulative.end()) return items.back();
  return items[it - cumulative.begin()];
}

template <typename T>
double KllSketch<T>::Rank(T item) const {
  std::vector<T> items;
  std::vector<int64_t> cumulative;
  SortedView(&items, &cumulative);
  // The last retained item <= item.
  int64_t index = -1;
  for (size_t i = 0; i < items.size() && items[i] <= item; ++i) index = static_cast<int64_t>(i);
  if (index < 0) return 0;
  return static_cast<double>(cumulative[index]) / static_cast<double>(n_);
}

template <typename T>
std::string KllSketch<T>::Serialize() const {
  std::string out;
  const uint8_t flags = static_cast<uint8_t>((empty() ? kEmptyFlag : 0) |
                                             (level_zero_sorted_ ? kLevelZeroSortedFlag : 0) |
                                             (n_ == 1 ? kSingleItemFlag : 0));
  const bool full = n_ > 1;
  Put<uint8_t>(&out, full ? 5 : 2);                  // preamble ints
  Put<uint8_t>(&out, n_ == 1 ? 2 : 1);               // serial version
  Put<uint8_t>(&out, kFamily);
  Put<uint8_t>(&out, flags);
  Put<uint16_t>(&out, static_cast<uint16_t>(k_));
  Put<uint8_t>(&out, static_cast<uint8_t>(m_));
  Put<uint8_t>(&out, 0);
  if (n_ == 0) return out;
  if (n_ == 1) {
    Put<T>(&out, items_[levels_[0]]);
    return out;
  }
  Put<int64_t>(&out, n_);
  Put<uint16_t>(&out, static_cast<uint16_t>(min_k_));
  Put<uint8_t>(&out, static_cast<uint8_t>(num_levels()));
  Put<uint8_t>(&out, 0);
  for (int level = 0; level < num_levels(); ++level) Put<int32_t>(&out, levels_[level]);
  Put<T>(&out, min_);
  Put<T>(&out, max_);
  for (int i = levels_[0]; i < levels_.back(); ++i) Put<T>(&out, items_[i]);
  return out;
}

template <typename T>
std::optional<KllSketch<T>> KllSketch<T>::Deserialize(std::string_view bytes, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<KllSketch<T>> {
    *error = std::move(why);
    return std::nullopt;
  };
  if (bytes.size() < kPreambleBytes) {
    return fail(fmt::format("A sketch memory image must be at least 8 bytes. {}", bytes.size()));
  }
  const int preamble_ints = Get<uint8_t>(bytes, 0), version = Get<uint8_t>(bytes, 1);
  const int family = Get<uint8_t>(bytes, 2), flags = Get<uint8_t>(bytes, 3);
  const int k = Get<uint16_t>(bytes, 4), m = Get<uint8_t>(bytes, 6);
  const bool empty = (flags & kEmptyFlag) != 0;
  const bool compact_empty = preamble_ints == 2 && version == 1;
  const bool single = preamble_ints == 2 && version == 2;
  const bool full = preamble_ints == 5 && version == 1;
  const bool updatable = preamble_ints == 5 && version == 3;
  if (!compact_empty && !single && !full && !updatable) {
    return fail(fmt::format("Invalid preamble ints and serial version combination: {}, {}", preamble_ints, version));
  }
  if (family != kFamily) return fail(fmt::format("FamilyID Field must be: 15, NOT: {}", family));
  if (m < 2 || m > 8 || m % 2 == 1) return fail(fmt::format("M must be >= 2, <= 8 and even: {}", m));
  if (k < m || k > kMaxK) return fail(fmt::format("K must be >= {} and <= {}: {}", m, kMaxK, k));

  KllSketch sketch(k);
  sketch.m_ = m;
  sketch.level_zero_sorted_ = (flags & kLevelZeroSortedFlag) != 0;
  constexpr size_t width = sizeof(T);
  if (compact_empty) {
    if (!empty) return fail("A compact empty sketch should have empty flag set. ");
    return sketch;
  }
  if (empty) return fail("A sketch with items should not have empty flag set. ");
  if (single) {
    if (bytes.size() < kPreambleBytes + width) return fail("The sketch memory image is too small for its item.");
    sketch.Insert(Get<T>(bytes, kPreambleBytes));
    sketch.level_zero_sorted_ = (flags & kLevelZeroSortedFlag) != 0;
    return sketch;
  }
  if (bytes.size() < kFullPreambleBytes) return fail("The sketch memory image is too small for its preamble.");
  const auto n = Get<int64_t>(bytes, 8);
  const int min_k = Get<uint16_t>(bytes, 16), num_levels = Get<uint8_t>(bytes, 18);
  if (num_levels < 1 || num_levels > kMaxLevels) return fail(fmt::format("Invalid number of levels: {}", num_levels));
  const int stored_levels = updatable ? num_levels + 1 : num_levels;
  size_t offset = kFullPreambleBytes;
  if (bytes.size() < offset + 4 * stored_levels) return fail("The sketch memory image is too small for its levels.");
  std::vector<int> levels(num_levels + 1);
  for (int i = 0; i < stored_levels; ++i, offset += 4) levels[i] = Get<int32_t>(bytes, offset);
  if (!updatable) levels[num_levels] = TotalCapacity(k, m, num_levels);
  if (levels[0] < 0 || !std::is_sorted(levels.begin(), levels.end())) return fail("Invalid levels array.");
  const int capacity = levels[num_levels];
  const size_t items = updatable ? capacity : capacity - levels[0];
  if (bytes.size() < offset + width * (2 + items)) return fail("The sketch memory image is too small for its items.");
  sketch.n_ = n;
  sketch.min_k_ = min_k;
  sketch.levels_ = std::move(levels);
  sketch.min_ = Get<T>(bytes, offset);
  sketch.max_ = Get<T>(bytes, offset + width);
  offset += 2 * width;
  sketch.items_.assign(capacity, T{});
  for (int i = updatable ? 0 : sketch.levels_[0]; i < capacity; ++i, offset += width) {
    sketch.items_[i] = Get<T>(bytes, offset);
  }
  return sketch;
}

template <typename T>
std::string KllSketch<T>::ToString() const {
  const int levels = num_levels();
  const int capacity = levels_.back();
  const int updatable_bytes = kFullPreambleBytes + 4 * (levels + 1) + static_cast<int>(sizeof(T)) * (2 + capacity);
  const int compact_bytes = static_cast<int>(Serialize().size());
  auto flag = [](bool b) { return b ? "true" : "false"; };
  const std::string min = empty() ? "NaN" : ItemTraits<T>::Text(min_);
  const std::string max = empty() ? "NaN" : ItemTraits<T>::Text(max_);
  std::string out = "\n### Kll" + std::string(ItemTraits<T>::kName) + " Summary:\n";
  out += fmt::format("   K                      : {}\n", k_);
  out += fmt::format("   Dynamic min K          : {}\n", min_k_);
  out += fmt::format("   M                      : {}\n", m_);
  out += fmt::format("   N                      : {}\n", n_);
  out += fmt::format("   Epsilon                : {:.3f}%\n", NormalizedRankError(min_k_, false) * 100);
  out += fmt::format("   Epsilon PMF            : {:.3f}%\n", NormalizedRankError(min_k_, true) * 100);
  out += fmt::format("   Empty                  : {}\n", flag(empty()));
  out += fmt::format("   Estimation Mode        : {}\n", flag(levels > 1));
  out += fmt::format("   Levels                 : {}\n", levels);
  out += fmt::format("   Level 0 Sorted         : {}\n", flag(level_zero_sorted_));
  out += fmt::format("   Capacity Items         : {}\n", capacity);
  out += fmt::format("   Retained Items         : {}\n", retained());
  out += fmt::format("   Free Space             : {}\n", levels_[0]);
  out += "   ReadOnly               : false\n";
  out += fmt::format("   Updatable Storage Bytes: {}\n", updatable_bytes);
  out += fmt::format("   Compact Storage Bytes  : {}\n", compact_bytes);
  out += fmt::format("   Min Item               : {}\n", min);
  out += fmt::format("   Max Item               : {}\n", max);
  out += "### End sketch summary\n";
  return out;
}

template class KllSketch<int64_t>;
template class KllSketch<double>;
template class KllSketch<float>;

arrow::Status InvalidKllSketch(const std::string& function) {
  return SparkError("KLL_INVALID_INPUT_SKETCH_BUFFER", "22000",
                    fmt::format("Invalid call to `{}`; only valid KLL sketch buffers are supported as inputs (such "
                                "as those produced by the `kll_sketch_agg` function).",
                                function));
}

template <typename T>
arrow::Result<KllSketch<T>> ReadKllSketch(std::string_view bytes, const std::string& function) {
  std::string error;
  auto sketch = KllSketch<T>::Deserialize(bytes, &error);
  if (!sketch) return InvalidKllSketch(function);
  return std::move(*sketch);
}

template arrow::Result<KllSketch<int64_t>> ReadKllSketch(std::string_view, const std::string&);
template arrow::Result<KllSketch<double>> ReadKllSketch(std::string_view, const std::string&);
template arrow::Result<KllSketch<float>> ReadKllSketch(std::string_view, const std::string&);

}  // namespace spate
