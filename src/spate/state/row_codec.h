#pragma once

// Rows of Arrow arrays as bytes, for state store keys and values.
//
// Each column is encoded in turn, so the encoding of columns [a, b] starts
// with the encoding of [a] (prefix scans by a leading key). Equal values give
// equal bytes (-0.0 and 0.0, and all NaNs, are normalized, as Spark's keys
// are), and fixed-width numbers sort by byte order as by value.
// Supported types: null, boolean, integers, float/double, decimal128, date32,
// timestamp, string/binary (and large_), list, struct, map.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace spate {

/// Rows encoded one after another in one buffer.
struct EncodedRows {
  std::string bytes;
  std::vector<size_t> ends;  // per row: where its bytes end

  size_t size() const { return ends.size(); }
  std::string_view operator[](size_t i) const {
    size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(begin, ends[i] - begin);
  }
};

class RowEncoder {
 public:
  /// Fails for a column type the encoding does not cover.
  static arrow::Result<std::unique_ptr<RowEncoder>> Make(std::shared_ptr<arrow::Schema> schema);
  virtual ~RowEncoder() = default;
  /// Appends the encoding of `row` of `batch` (whose schema is the encoder's) to `out`.
  virtual void Encode(const arrow::RecordBatch& batch, int64_t row, std::string* out) const = 0;
  /// One string per row.
  std::vector<std::string> EncodeAll(const arrow::RecordBatch& batch) const;
  /// Every row into one buffer (replacing `out`'s rows).
  virtual void EncodeBatch(const arrow::RecordBatch& batch, EncodedRows* out) const;
};

/// The encoding of one non-null BIGINT (BOOLEAN) column, as RowEncoder
/// writes it: appended to a row's encoding, it adds that column to the row.
void AppendEncodedInt64(int64_t value, std::string* out);
void AppendEncodedBool(bool value, std::string* out);
/// The value AppendEncodedInt64 wrote at the front of `bytes` (at least kEncodedInt64Bytes long).
int64_t DecodeEncodedInt64(std::string_view bytes);
/// Bytes AppendEncodedInt64 and AppendEncodedBool write.
inline constexpr size_t kEncodedInt64Bytes = 9;
inline constexpr size_t kEncodedBoolBytes = 2;

class RowDecoder {
 public:
  static arrow::Result<std::unique_ptr<RowDecoder>> Make(std::shared_ptr<arrow::Schema> schema);
  virtual ~RowDecoder() = default;
  /// Decodes one row from the front of `bytes`, appends it, and advances
  /// `bytes` past it. Invalid bytes give an error, not a crash.
  virtual arrow::Status Append(std::string_view* bytes) = 0;
  /// The rows appended so far; the decoder starts empty again.
  virtual arrow::Result<std::shared_ptr<arrow::RecordBatch>> Finish() = 0;
  /// Appends `rows`, each the whole encoding of one row, and finishes: the
  /// batch (or the error) Append of each then Finish gives.
  virtual arrow::Result<std::shared_ptr<arrow::RecordBatch>> DecodeAll(const std::vector<std::string>& rows);
};

}  // namespace spate
