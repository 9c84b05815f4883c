#pragma once

// Apache DataSketches' KLL quantiles sketch, the sketch of Spark's kll_*
// functions, over BIGINT (int64_t), DOUBLE and FLOAT items. It follows
// DataSketches 6.2 (the library Spark 4.1 ships) so that sketches pass between
// Spark and Spate both ways:
//   - the same levels, capacities (k, m = 8, capacity (2/3)^depth * k) and
//     compaction (sort level 0, keep every other item from a random offset);
//   - the same compact serialization (little-endian): an 8-byte preamble
//     (preamble ints, serial version, family 15, flags, k, m), then for one
//     item the item, for more n, min k, the levels, min, max and the retained
//     items;
//   - the same INCLUSIVE quantile and rank searches over the sorted view
//     (min and max included as DataSketches includes them).
// Below k items a sketch is exact. Compaction is randomised, as in
// DataSketches, so larger sketches agree within the rank error only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace spate {

template <typename T>
class KllSketch {
 public:
  static constexpr int kDefaultK = 200;
  static constexpr int kMinK = 8;  // the range of k Spark accepts
  static constexpr int kMaxK = 65535;

  explicit KllSketch(int k = kDefaultK);

  /// Adds one item (NaN is ignored, as DataSketches ignores it).
  void Update(T item);
  /// Adds all of `other`'s items, keeping this sketch's k.
  void Merge(const KllSketch& other);

  int k() const { return k_; }
  int64_t n() const { return n_; }
  bool empty() const { return n_ == 0; }
  int num_retained() const { return retained(); }

  /// The item of normalized rank `rank` (INCLUSIVE); the sketch must retain
  /// items and 0 <= rank <= 1.
  T Quantile(double rank) const;
  /// The normalized rank of `item` (INCLUSIVE); the sketch must retain items.
  double Rank(T item) const;

  /// The compact serialized form (DataSketches' toByteArray()).
  std::string Serialize() const;
  /// The sketch of serialized bytes, or nullopt with the reason in `error`.
  static std::optional<KllSketch> Deserialize(std::string_view bytes, std::string* error);
  /// DataSketches' summary text of a heap sketch (its toString()).
  std::string ToString() const;

 private:
  int num_levels() const { return static_cast<int>(levels_.size()) - 1; }
  int retained() const { return levels_.back() - levels_[0]; }
  void UpdateMinMax(T item);
  void Insert(T item);
  void CompressWhileUpdating();
  void AddEmptyTopLevel();
  // The retained items sorted, with their cumulative weights (min and max included).
  void SortedView(std::vector<T>* items, std::vector<int64_t>* cumulative) const;

  int k_;
  int m_ = 8;
  int min_k_;
  int64_t n_ = 0;
  bool level_zero_sorted_ = false;
  std::vector<int> levels_;  // num_levels + 1 offsets into items_; levels_[0] is the free space
  std::vector<T> items_;     // the capacity; the retained items are [levels_[0], levels_.back())
  T min_{};
  T max_{};
};

extern template class KllSketch<int64_t>;
extern template class KllSketch<double>;
extern template class KllSketch<float>;

/// [KLL_INVALID_INPUT_SKETCH_BUFFER]: `function` was given bytes that are not a KLL sketch.
arrow::Status InvalidKllSketch(const std::string& function);

/// The sketch serialized in `bytes`, or InvalidKllSketch(function).
template <typename T>
arrow::Result<KllSketch<T>> ReadKllSketch(std::string_view bytes, const std::string& function);

}  // namespace spate
