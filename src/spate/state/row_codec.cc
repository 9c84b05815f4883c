#include "spate/state/row_codec.h"
#include "spate/state/row_values.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <arrow/api.h>
#include <arrow/util/bit_util.h>
#include <fmt/format.h>

// The encoding of one value: a flag byte (0 null, 1 present; nulls sort
// first), then for a present value:
//   boolean            1 byte, 0 or 1
//   integers, date32,  big-endian, the sign bit flipped for signed types
//   timestamp
//   float, double      IEEE bits, big-endian: positive numbers get the sign
//                      bit set, negative ones all bits inverted (total order);
//                      -0.0 is written as 0.0 and every NaN as one NaN
//   decimal128         high 64 bits as a signed integer, then the low 64 bits
//   interval           months, days (int32), nanoseconds (int64), as integers
//   string, binary     u32 length, then the bytes
//   list               u32 element count, then each element
//   map                u32 entry count, then key and value of each entry
//   struct             each field in turn

namespace spate {

namespace {

constexpr char kNull = 0;
constexpr char kPresent = 1;

template <typename U>
void StoreBigEndian(U v, char* out) {
  for (size_t i = 0; i < sizeof(U); ++i) out[i] = static_cast<char>(v >> (8 * (sizeof(U) - 1 - i)));
}

template <typename U>
void PutBigEndian(U v, std::string* out) {
  char buf[sizeof(U)];
  StoreBigEndian(v, buf);
  out->append(buf, sizeof(U));
}

template <typename U>
U LoadBigEndian(const char* p) {
  U v = 0;
  for (size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | static_cast<uint8_t>(p[i]));
  return v;
}

template <typename T>
auto OrderedBits(T v) {
  using U = std::make_unsigned_t<T>;
  U u = static_cast<U>(v);
  if constexpr (std::is_signed_v<T>) u ^= U{1} << (8 * sizeof(U) - 1);
  return u;
}

template <typename T>
T FromOrderedBits(std::make_unsigned_t<T> u) {
  if constexpr (std::is_signed_v<T>) u ^= decltype(u){1} << (8 * sizeof(u) - 1);
  return static_cast<T>(u);
}

template <typename F>
auto OrderedFloatBits(F v) {
  using U = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  if (v == 0) v = 0;  // -0.0 -> 0.0
  if (std::isnan(v)) v = std::numeric_limits<F>::quiet_NaN();
  U u = std::bit_cast<U>(v);
  constexpr U kSign = U{1} << (8 * sizeof(U) - 1);
  return (u & kSign) ? static_cast<U>(~u) : static_cast<U>(u | kSign);
}

template <typename F, typename U>
F FromOrderedFloatBits(U u) {
  constexpr U kSign = U{1} << (8 * sizeof(U) - 1);
  u = (u & kSign) ? static_cast<U>(u & ~kSign) : static_cast<U>(~u);
  return std::bit_cast<F>(u);
}

// The bytes of a present struct of `fields` when each takes a fixed number, else 0.
template <typename Fields>
size_t StructWidth(const Fields& fields) {
  size_t width = 1;
  for (const auto& f : fields) {
    if (f->FixedWidth() == 0) return 0;
    width += f->FixedWidth();
  }
  return width;
}

bool IsValid(const arrow::ArrayData& d, int64_t i) {
  if (d.type->id() == arrow::Type::NA) return false;
  const auto& bitmap = d.buffers[0];
  return bitmap == nullptr || arrow::bit_util::GetBit(bitmap->data(), d.offset + i);
}

// ---------------------------------------------------------------- encoding

class ValueEncoder {
 public:
  virtual ~ValueEncoder() = default;
  // Writes the present value at logical index `i` of `d`.
  virtual void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const = 0;
  // The bytes of a present value, its flag byte included, when every one
  // takes as many (fixed-width types and structs of them), else 0.
  virtual size_t FixedWidth() const { return 0; }
  // For a fixed-width encoder: writes the values at logical indexes [first,
  // first + n) of `d`, none null, each `stride` bytes after the one before.
  virtual void EncodeColumn(const arrow::ArrayData&, int64_t, int64_t, char*, size_t) const {}
  void Encode(const arrow::ArrayData& d, int64_t i, std::string* out) const {
    if (!IsValid(d, i)) {
      out->push_back(kNull);
      return;
    }
    out->push_back(kPresent);
    EncodeValue(d, i, out);
  }
};

using EncoderPtr = std::unique_ptr<ValueEncoder>;
arrow::Result<EncoderPtr> MakeValueEncoder(const arrow::DataType& type);

class NullEncoder final : public ValueEncoder {
 public:
  void EncodeValue(const arrow::ArrayData&, int64_t, std::string*) const override {}
};

class BooleanEncoder final : public ValueEncoder {
 public:
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    out->push_back(arrow::bit_util::GetBit(d.buffers[1]->data(), d.offset + i) ? 1 : 0);
  }
  size_t FixedWidth() const override { return 2; }
  void EncodeColumn(const arrow::ArrayData& d, int64_t first, int64_t n, char* out, size_t stride) const override {
    for (int64_t r = 0; r < n; ++r, out += stride) {
      out[0] = kPresent;
      out[1] = arrow::bit_util::GetBit(d.buffers[1]->data(), d.offset + first + r) ? 1 : 0;
    }
  }
};

template <typename C>
class IntegerEncoder final : public ValueEncoder {
 public:
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    PutBigEndian(OrderedBits(d.GetValues<C>(1)[i]), out);
  }
  size_t FixedWidth() const override { return 1 + sizeof(C); }
  void EncodeColumn(const arrow::ArrayData& d, int64_t first, int64_t n, char* out, size_t stride) const override {
    const C* values = d.GetValues<C>(1) + first;
    for (int64_t r = 0; r < n; ++r, out += stride) {
      out[0] = kPresent;
      StoreBigEndian(OrderedBits(values[r]), out + 1);
    }
  }
};

template <typename F>
class FloatEncoder final : public ValueEncoder {
 public:
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    PutBigEndian(OrderedFloatBits(d.GetValues<F>(1)[i]), out);
  }
  size_t FixedWidth() const override { return 1 + sizeof(F); }
  void EncodeColumn(const arrow::ArrayData& d, int64_t first, int64_t n, char* out, size_t stride) const override {
    const F* values = d.GetValues<F>(1) + first;
    for (int64_t r = 0; r < n; ++r, out += stride) {
      out[0] = kPresent;
      StoreBigEndian(OrderedFloatBits(values[r]), out + 1);
    }
  }
};

class Decimal128Encoder final : public ValueEncoder {
 public:
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    arrow::Decimal128 v(d.buffers[1]->data() + (d.offset + i) * 16);
    PutBigEndian(OrderedBits(v.high_bits()), out);
    PutBigEndian(v.low_bits(), out);
  }
};

class IntervalEncoder final : public ValueEncoder {
 public:
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    auto v = d.GetValues<arrow::MonthDayNanoIntervalType::MonthDayNanos>(1)[i];
    PutBigEndian(OrderedBits(v.months), out);
    PutBigEndian(OrderedBits(v.days), out);
    PutBigEndian(OrderedBits(v.nanoseconds), out);
  }
};

template <typename Offset>
class BinaryEncoder final : public ValueEncoder {
 public:
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    const Offset* offsets = d.GetValues<Offset>(1);
    const char* data = reinterpret_cast<const char*>(d.buffers[2] ? d.buffers[2]->data() : nullptr);
    auto length = static_cast<uint32_t>(offsets[i + 1] - offsets[i]);
    PutBigEndian(length, out);
    if (length > 0) out->append(data + offsets[i], length);
  }
};

template <typename Offset>
class ListEncoder final : public ValueEncoder {
 public:
  explicit ListEncoder(EncoderPtr element) : element_(std::move(element)) {}
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    const Offset* offsets = d.GetValues<Offset>(1);
    const arrow::ArrayData& child = *d.child_data[0];
    PutBigEndian(static_cast<uint32_t>(offsets[i + 1] - offsets[i]), out);
    for (Offset k = offsets[i]; k < offsets[i + 1]; ++k) element_->Encode(child, k, out);
  }

 private:
  EncoderPtr element_;
};

class MapEncoder final : public ValueEncoder {
 public:
  MapEncoder(EncoderPtr key, EncoderPtr item) : key_(std::move(key)), item_(std::move(item)) {}
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    const int32_t* offsets = d.GetValues<int32_t>(1);
    const arrow::ArrayData& entries = *d.child_data[0];
    const arrow::ArrayData& keys = *entries.child_data[0];
    const arrow::ArrayData& items = *entries.child_data[1];
    PutBigEndian(static_cast<uint32_t>(offsets[i + 1] - offsets[i]), out);
    for (int32_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      key_->Encode(keys, entries.offset + k, out);
      item_->Encode(items, entries.offset + k, out);
    }
  }

 private:
  EncoderPtr key_;
  EncoderPtr item_;
};

class StructEncoder final : public ValueEncoder {
 public:
  explicit StructEncoder(std::vector<EncoderPtr> fields) : fields_(std::move(fields)) {}
  void EncodeValue(const arrow::ArrayData& d, int64_t i, std::string* out) const override {
    for (size_t f = 0; f < fields_.size(); ++f) fields_[f]->Encode(*d.child_data[f], d.offset + i, out);
  }
  size_t FixedWidth() const override { return StructWidth(fields_); }
  void EncodeColumn(const arrow::ArrayData& d, int64_t first, int64_t n, char* out, size_t stride) const override {
    for (int64_t r = 0; r < n; ++r) out[r * stride] = kPresent;
    size_t at = 1;
    for (size_t f = 0; f < fields_.size(); ++f) {
      fields_[f]->EncodeColumn(*d.child_data[f], d.offset + first, n, out + at, stride);
      at += fields_[f]->FixedWidth();
    }
  }

 private:
  std::vector<EncoderPtr> fields_;
};

arrow::Status UnsupportedType(const arrow::DataType& type) {
  return arrow::Status::NotImplemented(
      fmt::format("state row encoding does not support the type {}; supported: null, boolean, "
                  "integers, float, double, decimal128, date32, timestamp, interval, string, "
                  "binary, list, map, struct",
                  type.ToString()));
}

arrow::Result<EncoderPtr> MakeValueEncoder(const arrow::DataType& type) {
  using T = arrow::Type;
  switch (type.id()) {
    case T::NA: return std::make_unique<NullEncoder>();
    case T::BOOL: return std::make_unique<BooleanEncoder>();
    case T::INT8: return std::make_unique<IntegerEncoder<int8_t>>();
    case T::INT16: return std::make_unique<IntegerEncoder<int16_t>>();
    case T::INT32:
    case T::DATE32: return std::make_unique<IntegerEncoder<int32_t>>();
    case T::INT64:
    case T::TIMESTAMP: return std::make_unique<IntegerEncoder<int64_t>>();
    case T::UINT8: return std::make_unique<IntegerEncoder<uint8_t>>();
    case T::UINT16: return std::make_unique<IntegerEncoder<uint16_t>>();
    case T::UINT32: return std::make_unique<IntegerEncoder<uint32_t>>();
    case T::UINT64: return std::make_unique<IntegerEncoder<uint64_t>>();
    case T::FLOAT: return std::make_unique<FloatEncoder<float>>();
    case T::DOUBLE: return std::make_unique<FloatEncoder<double>>();
    case T::DECIMAL128: return std::make_unique<Decimal128Encoder>();
    case T::INTERVAL_MONTH_DAY_NANO: return std::make_unique<IntervalEncoder>();
    case T::STRING:
    case T::BINARY: return std::make_unique<BinaryEncoder<int32_t>>();
    case T::LARGE_STRING:
    case T::LARGE_BINARY: return std::make_unique<BinaryEncoder<int64_t>>();
    case T::LIST: {
      ARROW_ASSIGN_OR_RAISE(auto element, MakeValueEncoder(*type.field(0)->type()));
      return std::make_unique<ListEncoder<int32_t>>(std::move(element));
    }
    case T::LARGE_LIST: {
      ARROW_ASSIGN_OR_RAISE(auto element, MakeValueEncoder(*type.field(0)->type()));
      return std::make_unique<ListEncoder<int64_t>>(std::move(element));
    }
    case T::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      ARROW_ASSIGN_OR_RAISE(auto key, MakeValueEncoder(*map.key_type()));
      ARROW_ASSIGN_OR_RAISE(auto item, MakeValueEncoder(*map.item_type()));
      return std::make_unique<MapEncoder>(std::move(key), std::move(item));
    }
    case T::STRUCT: {
      std::vector<EncoderPtr> fields;
      for (const auto& f : type.fields()) {
        ARROW_ASSIGN_OR_RAISE(auto e, MakeValueEncoder(*f->type()));
        fields.push_back(std::move(e));
      }
      return std::make_unique<StructEncoder>(std::move(fields));
    }
    default: return UnsupportedType(type);
  }
}

// Whether `d` or a child of it (a struct's field) holds a null.
bool HasNulls(const arrow::ArrayData& d) {
  if (d.GetNullCount() != 0) return true;
  for (const auto& child : d.child_data) {
    if (HasNulls(*child)) return true;
  }
  return false;
}

class RowEncoderImpl final : public RowEncoder {
 public:
  explicit RowEncoderImpl(std::vector<EncoderPtr> columns) : columns_(std::move(columns)) {
    const size_t width = StructWidth(columns_);
    row_width_ = width > 1 ? width - 1 : 0;  // a row has no flag byte of its own
  }
  // column_data() returns a reference; column_data(c) would copy a shared_ptr per value.
  void Encode(const arrow::RecordBatch& batch, int64_t row, std::string* out) const override {
    const arrow::ArrayDataVector& data = batch.column_data();
    for (size_t c = 0; c < columns_.size(); ++c) columns_[c]->Encode(*data[c], row, out);
  }

  // Rows of fixed-width columns without nulls all take row_width_ bytes: they
  // are written a column at a time, each value straight into its place.
  void EncodeBatch(const arrow::RecordBatch& batch, EncodedRows* out) const override {
    const auto n = static_cast<size_t>(batch.num_rows());
    const arrow::ArrayDataVector& data = batch.column_data();
    const bool nulls = std::any_of(data.begin(), data.end(), [](const auto& d) { return HasNulls(*d); });
    if (row_width_ == 0 || nulls) return RowEncoder::EncodeBatch(batch, out);
    out->bytes.resize(n * row_width_);
    size_t at = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
      columns_[c]->EncodeColumn(*data[c], 0, static_cast<int64_t>(n), out->bytes.data() + at, row_width_);
      at += columns_[c]->FixedWidth();
    }
    out->ends.resize(n);
    for (size_t r = 0; r < n; ++r) out->ends[r] = (r + 1) * row_width_;
  }

 private:
  std::vector<EncoderPtr> columns_;
  size_t row_width_ = 0;  // of every row when every column is fixed-width, else 0
};

// ---------------------------------------------------------------- decoding

// Reads from the front of a byte range; every read is bounds-checked.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : rest_(bytes) {}
  std::string_view rest() const { return rest_; }

  arrow::Status Take(size_t n, const char** out) {
    if (rest_.size() < n) {
      return arrow::Status::Invalid(
          fmt::format("state row bytes are truncated: {} more bytes needed, {} left", n, rest_.size()));
    }
    *out = rest_.data();
    rest_.remove_prefix(n);
    return arrow::Status::OK();
  }

  template <typename U>
  arrow::Status ReadBigEndian(U* v) {
    const char* p = nullptr;
    ARROW_RETURN_NOT_OK(Take(sizeof(U), &p));
    *v = LoadBigEndian<U>(p);
    return arrow::Status::OK();
  }

 private:
  std::string_view rest_;
};

// Each decoder reads one value; with `builder` null it only checks the bytes
// (a first pass, so that a row is appended only when all of it is valid).
class ValueDecoder {
 public:
  virtual ~ValueDecoder() = default;
  virtual arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const = 0;

  arrow::Status Decode(ByteReader& in, arrow::ArrayBuilder* builder) const {
    const char* flag = nullptr;
    ARROW_RETURN_NOT_OK(in.Take(1, &flag));
    if (*flag == kNull) return builder ? builder->AppendNull() : arrow::Status::OK();
    if (*flag != kPresent || is_null_type_) {
      return arrow::Status::Invalid(fmt::format("state row bytes are invalid: bad null flag {}",
                                                static_cast<int>(*flag)));
    }
    return DecodeValue(in, builder);
  }
  // As ValueEncoder::FixedWidth.
  virtual size_t FixedWidth() const { return 0; }
  // For a fixed-width decoder: the column of `type` whose row r is the value
  // at rows[r] + at; null when one of those is not a valid present value
  // (the rows then go one by one, which says what is wrong).
  virtual arrow::Result<std::shared_ptr<arrow::ArrayData>> DecodeColumn(const std::shared_ptr<arrow::DataType>&,
                                                                         const std::vector<const char*>&,
                                                                         size_t) const {
    return nullptr;
  }

 protected:
  bool is_null_type_ = false;
};

using DecoderPtr = std::unique_ptr<ValueDecoder>;
arrow::Result<DecoderPtr> MakeValueDecoder(const arrow::DataType& type);

// The column of numbers C at rows[r] + at, each a present flag then the
// big-endian bits U that `convert` turns into the number; null when a flag is not present.
template <typename C, typename U, typename Convert>
arrow::Result<std::shared_ptr<arrow::ArrayData>> DecodeNumbers(const std::shared_ptr<arrow::DataType>& type,
                                                               const std::vector<const char*>& rows, size_t at,
                                                               Convert convert) {
  const auto n = static_cast<int64_t>(rows.size());
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Buffer> values, arrow::AllocateBuffer(n * sizeof(C)));
  C* out = reinterpret_cast<C*>(values->mutable_data());
  for (size_t r = 0; r < rows.size(); ++r) {
    const char* p = rows[r] + at;
    if (p[0] != kPresent) return nullptr;
    out[r] = convert(LoadBigEndian<U>(p + 1));
  }
  return arrow::ArrayData::Make(type, n, {nullptr, std::move(values)}, 0);
}

class NullDecoder final : public ValueDecoder {
 public:
  NullDecoder() { is_null_type_ = true; }
  arrow::Status DecodeValue(ByteReader&, arrow::ArrayBuilder*) const override { return arrow::Status::OK(); }
};

class BooleanDecoder final : public ValueDecoder {
 public:
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    const char* p = nullptr;
    ARROW_RETURN_NOT_OK(in.Take(1, &p));
    if (*p != 0 && *p != 1) return arrow::Status::Invalid("state row bytes are invalid: bad boolean");
    if (!builder) return arrow::Status::OK();
    return static_cast<arrow::BooleanBuilder*>(builder)->Append(*p == 1);
  }
  size_t FixedWidth() const override { return 2; }
  arrow::Result<std::shared_ptr<arrow::ArrayData>> DecodeColumn(const std::shared_ptr<arrow::DataType>& type,
                                                                const std::vector<const char*>& rows,
                                                                size_t at) const override {
    const auto n = static_cast<int64_t>(rows.size());
    ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Buffer> bits, arrow::AllocateEmptyBitmap(n));
    for (int64_t r = 0; r < n; ++r) {
      const char* p = rows[static_cast<size_t>(r)] + at;
      if (p[0] != kPresent || (p[1] != 0 && p[1] != 1)) return nullptr;
      if (p[1] == 1) arrow::bit_util::SetBit(bits->mutable_data(), r);
    }
    return arrow::ArrayData::Make(type, n, {nullptr, std::move(bits)}, 0);
  }
};

template <typename ArrowType, typename C>
class IntegerDecoder final : public ValueDecoder {
 public:
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    std::make_unsigned_t<C> u = 0;
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&u));
    if (!builder) return arrow::Status::OK();
    return static_cast<arrow::NumericBuilder<ArrowType>*>(builder)->Append(FromOrderedBits<C>(u));
  }
  size_t FixedWidth() const override { return 1 + sizeof(C); }
  arrow::Result<std::shared_ptr<arrow::ArrayData>> DecodeColumn(const std::shared_ptr<arrow::DataType>& type,
                                                                const std::vector<const char*>& rows,
                                                                size_t at) const override {
    return DecodeNumbers<C, std::make_unsigned_t<C>>(type, rows, at, FromOrderedBits<C>);
  }
};

template <typename ArrowType, typename F>
class FloatDecoder final : public ValueDecoder {
 public:
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t> u = 0;
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&u));
    if (!builder) return arrow::Status::OK();
    return static_cast<arrow::NumericBuilder<ArrowType>*>(builder)->Append(FromOrderedFloatBits<F>(u));
  }
  size_t FixedWidth() const override { return 1 + sizeof(F); }
  arrow::Result<std::shared_ptr<arrow::ArrayData>> DecodeColumn(const std::shared_ptr<arrow::DataType>& type,
                                                                const std::vector<const char*>& rows,
                                                                size_t at) const override {
    using U = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
    return DecodeNumbers<F, U>(type, rows, at, FromOrderedFloatBits<F, U>);
  }
};

class Decimal128Decoder final : public ValueDecoder {
 public:
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    uint64_t high = 0;
    uint64_t low = 0;
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&high));
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&low));
    if (!builder) return arrow::Status::OK();
    return static_cast<arrow::Decimal128Builder*>(builder)->Append(
        arrow::Decimal128(FromOrderedBits<int64_t>(high), low));
  }
};

class IntervalDecoder final : public ValueDecoder {
 public:
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    uint32_t months = 0;
    uint32_t days = 0;
    uint64_t nanos = 0;
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&months));
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&days));
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&nanos));
    if (!builder) return arrow::Status::OK();
    return static_cast<arrow::MonthDayNanoIntervalBuilder*>(builder)->Append(
        {FromOrderedBits<int32_t>(months), FromOrderedBits<int32_t>(days), FromOrderedBits<int64_t>(nanos)});
  }
};

template <typename Builder>
class BinaryDecoder final : public ValueDecoder {
 public:
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    uint32_t length = 0;
    ARROW_RETURN_NOT_OK(in.ReadBigEndian(&length));
    const char* p = nullptr;
    ARROW_RETURN_NOT_OK(in.Take(length, &p));
    if (!builder) return arrow::Status::OK();
    return static_cast<Builder*>(builder)->Append(p, length);
  }
};

// Reads an element count and checks it against the bytes left (each element
// takes at least its flag byte), so a corrupt count cannot loop for long.
arrow::Status ReadCount(ByteReader& in, uint32_t* count) {
  ARROW_RETURN_NOT_OK(in.ReadBigEndian(count));
  if (*count > in.rest().size()) {
    return arrow::Status::Invalid(
        fmt::format("state row bytes are invalid: {} elements announced, {} bytes left", *count, in.rest().size()));
  }
  return arrow::Status::OK();
}

template <typename Builder>
class ListDecoder final : public ValueDecoder {
 public:
  explicit ListDecoder(DecoderPtr element) : element_(std::move(element)) {}
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    uint32_t count = 0;
    ARROW_RETURN_NOT_OK(ReadCount(in, &count));
    arrow::ArrayBuilder* values = nullptr;
    if (builder) {
      auto* list = static_cast<Builder*>(builder);
      ARROW_RETURN_NOT_OK(list->Append());
      values = list->value_builder();
    }
    for (uint32_t k = 0; k < count; ++k) ARROW_RETURN_NOT_OK(element_->Decode(in, values));
    return arrow::Status::OK();
  }

 private:
  DecoderPtr element_;
};

class MapDecoder final : public ValueDecoder {
 public:
  MapDecoder(DecoderPtr key, DecoderPtr item) : key_(std::move(key)), item_(std::move(item)) {}
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    uint32_t count = 0;
    ARROW_RETURN_NOT_OK(ReadCount(in, &count));
    arrow::ArrayBuilder* keys = nullptr;
    arrow::ArrayBuilder* items = nullptr;
    if (builder) {
      auto* map = static_cast<arrow::MapBuilder*>(builder);
      ARROW_RETURN_NOT_OK(map->Append());
      keys = map->key_builder();
      items = map->item_builder();
    }
    for (uint32_t k = 0; k < count; ++k) {
      if (!builder && !in.rest().empty() && in.rest()[0] == kNull) {
        return arrow::Status::Invalid("state row bytes are invalid: a null map key");
      }
      ARROW_RETURN_NOT_OK(key_->Decode(in, keys));
      ARROW_RETURN_NOT_OK(item_->Decode(in, items));
    }
    return arrow::Status::OK();
  }

 private:
  DecoderPtr key_;
  DecoderPtr item_;
};

class StructDecoder final : public ValueDecoder {
 public:
  explicit StructDecoder(std::vector<DecoderPtr> fields) : fields_(std::move(fields)) {}
  arrow::Status DecodeValue(ByteReader& in, arrow::ArrayBuilder* builder) const override {
    auto* st = static_cast<arrow::StructBuilder*>(builder);
    for (size_t f = 0; f < fields_.size(); ++f) {
      ARROW_RETURN_NOT_OK(fields_[f]->Decode(in, st ? st->field_builder(static_cast<int>(f)) : nullptr));
    }
    return st ? st->Append() : arrow::Status::OK();
  }
  size_t FixedWidth() const override { return StructWidth(fields_); }
  arrow::Result<std::shared_ptr<arrow::ArrayData>> DecodeColumn(const std::shared_ptr<arrow::DataType>& type,
                                                                const std::vector<const char*>& rows,
                                                                size_t at) const override {
    for (const char* row : rows) {
      if (row[at] != kPresent) return nullptr;
    }
    std::vector<std::shared_ptr<arrow::ArrayData>> children;
    size_t field_at = at + 1;
    for (size_t f = 0; f < fields_.size(); ++f) {
      const auto& field_type = type->field(static_cast<int>(f))->type();
      ARROW_ASSIGN_OR_RAISE(auto child, fields_[f]->DecodeColumn(field_type, rows, field_at));
      if (child == nullptr) return nullptr;
      children.push_back(std::move(child));
      field_at += fields_[f]->FixedWidth();
    }
    return arrow::ArrayData::Make(type, static_cast<int64_t>(rows.size()), {nullptr}, std::move(children), 0);
  }

 private:
  std::vector<DecoderPtr> fields_;
};

arrow::Result<DecoderPtr> MakeValueDecoder(const arrow::DataType& type) {
  using T = arrow::Type;
  switch (type.id()) {
    case T::NA: return std::make_unique<NullDecoder>();
    case T::BOOL: return std::make_unique<BooleanDecoder>();
    case T::INT8: return std::make_unique<IntegerDecoder<arrow::Int8Type, int8_t>>();
    case T::INT16: return std::make_unique<IntegerDecoder<arrow::Int16Type, int16_t>>();
    case T::INT32: return std::make_unique<IntegerDecoder<arrow::Int32Type, int32_t>>();
    case T::DATE32: return std::make_unique<IntegerDecoder<arrow::Date32Type, int32_t>>();
    case T::INT64: return std::make_unique<IntegerDecoder<arrow::Int64Type, int64_t>>();
    case T::TIMESTAMP: return std::make_unique<IntegerDecoder<arrow::TimestampType, int64_t>>();
    case T::UINT8: return std::make_unique<IntegerDecoder<arrow::UInt8Type, uint8_t>>();
    case T::UINT16: return std::make_unique<IntegerDecoder<arrow::UInt16Type, uint16_t>>();
    case T::UINT32: return std::make_unique<IntegerDecoder<arrow::UInt32Type, uint32_t>>();
    case T::UINT64: return std::make_unique<IntegerDecoder<arrow::UInt64Type, uint64_t>>();
    case T::FLOAT: return std::make_unique<FloatDecoder<arrow::FloatType, float>>();
    case T::DOUBLE: return std::make_unique<FloatDecoder<arrow::DoubleType, double>>();
    case T::DECIMAL128: return std::make_unique<Decimal128Decoder>();
    case T::INTERVAL_MONTH_DAY_NANO: return std::make_unique<IntervalDecoder>();
    case T::STRING: return std::make_unique<BinaryDecoder<arrow::StringBuilder>>();
    case T::BINARY: return std::make_unique<BinaryDecoder<arrow::BinaryBuilder>>();
    case T::LARGE_STRING: return std::make_unique<BinaryDecoder<arrow::LargeStringBuilder>>();
    case T::LARGE_BINARY: return std::make_unique<BinaryDecoder<arrow::LargeBinaryBuilder>>();
    case T::LIST: {
      ARROW_ASSIGN_OR_RAISE(auto element, MakeValueDecoder(*type.field(0)->type()));
      return std::make_unique<ListDecoder<arrow::ListBuilder>>(std::move(element));
    }
    case T::LARGE_LIST: {
      ARROW_ASSIGN_OR_RAISE(auto element, MakeValueDecoder(*type.field(0)->type()));
      return std::make_unique<ListDecoder<arrow::LargeListBuilder>>(std::move(element));
    }
    case T::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      ARROW_ASSIGN_OR_RAISE(auto key, MakeValueDecoder(*map.key_type()));
      ARROW_ASSIGN_OR_RAISE(auto item, MakeValueDecoder(*map.item_type()));
      return std::make_unique<MapDecoder>(std::move(key), std::move(item));
    }
    case T::STRUCT: {
      std::vector<DecoderPtr> fields;
      for (const auto& f : type.fields()) {
        ARROW_ASSIGN_OR_RAISE(auto d, MakeValueDecoder(*f->type()));
        fields.push_back(std::move(d));
      }
      return std::make_unique<StructDecoder>(std::move(fields));
    }
    default: return UnsupportedType(type);
  }
}

class RowDecoderImpl final : public RowDecoder {
 public:
  RowDecoderImpl(std::shared_ptr<arrow::Schema> schema, std::vector<DecoderPtr> columns,
                 std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders)
      : schema_(std::move(schema)), columns_(std::move(columns)), builders_(std::move(builders)) {
    const size_t width = StructWidth(columns_);
    row_width_ = width > 1 ? width - 1 : 0;  // a row has no flag byte of its own
  }

  arrow::Status Append(std::string_view* bytes) override {
    ByteReader check(*bytes);
    for (const auto& c : columns_) ARROW_RETURN_NOT_OK(c->Decode(check, nullptr));
    ByteReader in(*bytes);
    for (size_t c = 0; c < columns_.size(); ++c) ARROW_RETURN_NOT_OK(columns_[c]->Decode(in, builders_[c].get()));
    *bytes = in.rest();
    ++rows_;
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Finish() override {
    std::vector<std::shared_ptr<arrow::Array>> arrays;
    for (auto& b : builders_) {
      std::shared_ptr<arrow::Array> a;
      ARROW_RETURN_NOT_OK(b->Finish(&a));
      arrays.push_back(std::move(a));
    }
    int64_t rows = rows_;
    rows_ = 0;
    return arrow::RecordBatch::Make(schema_, rows, std::move(arrays));
  }

  // Rows of fixed-width columns without nulls all take row_width_ bytes (as
  // EncodeBatch writes them): they are read a column at a time, each value
  // straight into its place. Other rows go one by one.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> DecodeAll(const std::vector<std::string>& rows) override {
    auto row_width = [&](const std::string& row) { return row.size() == row_width_; };
    if (row_width_ == 0 || rows_ != 0 || rows.empty() || !std::all_of(rows.begin(), rows.end(), row_width)) {
      return RowDecoder::DecodeAll(rows);
    }
    std::vector<const char*> starts(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) starts[r] = rows[r].data();
    std::vector<std::shared_ptr<arrow::ArrayData>> arrays;
    size_t at = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const auto& type = schema_->field(static_cast<int>(c))->type();
      ARROW_ASSIGN_OR_RAISE(auto column, columns_[c]->DecodeColumn(type, starts, at));
      if (column == nullptr) return RowDecoder::DecodeAll(rows);
      arrays.push_back(std::move(column));
      at += columns_[c]->FixedWidth();
    }
    return arrow::RecordBatch::Make(schema_, static_cast<int64_t>(rows.size()), std::move(arrays));
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<DecoderPtr> columns_;
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders_;
  int64_t rows_ = 0;
  size_t row_width_ = 0;  // of every row without nulls when every column is fixed-width, else 0
};

}  // namespace

arrow::Result<std::unique_ptr<RowEncoder>> RowEncoder::Make(std::shared_ptr<arrow::Schema> schema) {
  std::vector<EncoderPtr> columns;
  for (const auto& f : schema->fields()) {
    ARROW_ASSIGN_OR_RAISE(auto e, MakeValueEncoder(*f->type()));
    columns.push_back(std::move(e));
  }
  return std::make_unique<RowEncoderImpl>(std::move(columns));
}

std::vector<std::string> RowEncoder::EncodeAll(const arrow::RecordBatch& batch) const {
  std::vector<std::string> out(static_cast<size_t>(batch.num_rows()));
  for (int64_t r = 0; r < batch.num_rows(); ++r) Encode(batch, r, &out[static_cast<size_t>(r)]);
  return out;
}

void RowEncoder::EncodeBatch(const arrow::RecordBatch& batch, EncodedRows* out) const {
  out->bytes.clear();
  out->ends.clear();
  out->ends.reserve(static_cast<size_t>(batch.num_rows()));
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    Encode(batch, r, &out->bytes);
    out->ends.push_back(out->bytes.size());
  }
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> RowDecoder::DecodeAll(const std::vector<std::string>& rows) {
  for (std::string_view row : rows) ARROW_RETURN_NOT_OK(Append(&row));
  return Finish();
}

arrow::Result<std::unique_ptr<RowDecoder>> RowDecoder::Make(std::shared_ptr<arrow::Schema> schema) {
  std::vector<DecoderPtr> columns;
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders;
  for (const auto& f : schema->fields()) {
    ARROW_ASSIGN_OR_RAISE(auto d, MakeValueDecoder(*f->type()));
    columns.push_back(std::move(d));
    ARROW_ASSIGN_OR_RAISE(auto b, arrow::MakeBuilder(f->type()));
    builders.push_back(std::move(b));
  }
  return std::make_unique<RowDecoderImpl>(std::move(schema), std::move(columns), std::move(builders));
}

void AppendEncodedInt64(int64_t value, std::string* out) {
  out->push_back(kPresent);
  PutBigEndian(OrderedBits(value), out);
}

int64_t DecodeEncodedInt64(std::string_view bytes) {
  uint64_t u = 0;
  for (size_t i = 1; i < kEncodedInt64Bytes; ++i) u = (u << 8) | static_cast<unsigned char>(bytes[i]);
  return FromOrderedBits<int64_t>(u);
}

void AppendEncodedBool(bool value, std::string* out) {
  out->push_back(kPresent);
  out->push_back(value ? 1 : 0);
}

void AppendEncodedNull(std::string* out) { out->push_back(kNull); }

void AppendEncodedInteger(int64_t value, int bytes, std::string* out) {
  out->push_back(kPresent);
  switch (bytes) {
    case 1: PutBigEndian(OrderedBits(static_cast<int8_t>(value)), out); break;
    case 2: PutBigEndian(OrderedBits(static_cast<int16_t>(value)), out); break;
    case 4: PutBigEndian(OrderedBits(static_cast<int32_t>(value)), out); break;
    default: PutBigEndian(OrderedBits(value), out); break;
  }
}

void AppendEncodedFloat(float value, std::string* out) {
  out->push_back(kPresent);
  PutBigEndian(OrderedFloatBits(value), out);
}

void AppendEncodedDouble(double value, std::string* out) {
  out->push_back(kPresent);
  PutBigEndian(OrderedFloatBits(value), out);
}

void AppendEncodedBytes(std::string_view value, std::string* out) {
  out->push_back(kPresent);
  PutBigEndian(static_cast<uint32_t>(value.size()), out);
  out->append(value);
}

}  // namespace spate
