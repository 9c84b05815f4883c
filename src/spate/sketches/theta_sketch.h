#pragma once

// DataSketches' Theta sketch (the theta_* functions), with its serialized
// compact form, so that sketches pass between Spate and Spark/DataSketches.
//
// A sketch is a sampling threshold theta (a 63-bit value; 2^63 - 1 means
// 1.0, every hash kept) and the distinct 63-bit hashes below it: the high
// half of MurmurHash3 x64_128 (seed 9001) of the item, shifted right by one.
// With nominal entries k = 2^lgNomEntries, once more than k hashes are
// below theta the sketch keeps the k least and theta becomes the (k+1)-th
// least: what DataSketches' QuickSelect update sketch and union give.
//
// Serialized, a sketch is compact and ordered: an empty or single-item
// sketch (serial version 3, 8 or 16 bytes), otherwise the compressed form
// (serial version 4: the hashes as deltas, bit-packed), or version 3 with no
// hashes and a theta below 1.0.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spate::sketches {

class ThetaSketch {
 public:
  static constexpr int kDefaultLgNomEntries = 12;
  static constexpr int kMinLgNomEntries = 4;
  static constexpr int kMaxLgNomEntries = 26;
  static constexpr uint64_t kMaxTheta = INT64_MAX;

  explicit ThetaSketch(int lg_nom_entries = kDefaultLgNomEntries) : lg_nom_entries_(lg_nom_entries) {}

  /// Items, hashed as DataSketches' UpdateSketch.update(...) hashes them.
  /// Empty byte strings and arrays are ignored; -0.0 counts as 0.0 and all NaNs as one.
  void UpdateLong(int64_t v);
  void UpdateDouble(double v);
  void UpdateBytes(std::string_view bytes);
  void UpdateInts(const std::vector<int32_t>& values);
  void UpdateLongs(const std::vector<int64_t>& values);

  /// The serialized compact sketch, as CompactSketch.toByteArrayCompressed().
  std::string Serialize() const;
  /// A serialized compact sketch (version 3 or 4, seed 9001); nullopt when the bytes are not one.
  static std::optional<ThetaSketch> Deserialize(std::string_view bytes);

  double Estimate() const;
  bool empty() const { return empty_; }
  uint64_t theta() const;
  /// The retained hashes, ascending.
  const std::vector<uint64_t>& hashes() const;

  friend class ThetaUnion;
  friend class ThetaIntersection;
  friend ThetaSketch ThetaAnotB(const ThetaSketch& a, const ThetaSketch& b);

 private:
  void UpdateHash(uint64_t hash);
  void UpdateKey(std::string_view key);
  // Sorts and deduplicates the hashes, then keeps the k least (theta becomes
  // the next one). Updates call it only once 2k hashes pile up, accessors
  // before they read: the sketch it describes stays the same, hence const.
  void Normalize() const;

  int lg_nom_entries_;
  bool empty_ = true;
  mutable uint64_t theta_ = kMaxTheta;
  mutable std::vector<uint64_t> hashes_;  // below theta_
  mutable bool normalized_ = true;
};

/// The set operations, as DataSketches' Union (with `lg_nom_entries`),
/// Intersection and AnotB give them.
class ThetaUnion {
 public:
  explicit ThetaUnion(int lg_nom_entries) : result_(lg_nom_entries) {}
  void Add(const ThetaSketch& sketch);
  ThetaSketch Result() const;

 private:
  ThetaSketch result_;
};

class ThetaIntersection {
 public:
  void Add(const ThetaSketch& sketch);
  /// nullopt before any Add (the universe is no sketch).
  std::optional<ThetaSketch> Result() const { return result_; }

 private:
  std::optional<ThetaSketch> result_;
};

ThetaSketch ThetaAnotB(const ThetaSketch& a, const ThetaSketch& b);

}  // namespace spate::sketches
