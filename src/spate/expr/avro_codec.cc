// Avro binary decoding into Arrow builders and encoding from Arrow arrays.
//
// Decoding runs twice over a datum: first without appending (so a datum that
// turns out malformed halfway leaves the builders untouched), then appending.
// Each schema node is paired once with its builder (decoding) or with its
// Spark type (encoding), so the per-row work is the walk alone.

#include "spate/expr/avro_codec.h"

#include <algorithm>
#include <cstring>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <arrow/util/decimal.h>
#include <fmt/format.h>

#include "spate/common/strings.h"
#include "spate/common/utf8.h"
#include "spate/types/arrow_types.h"

namespace spate {

void AppendAvroLong(int64_t value, std::string* out) {
  uint64_t n = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (n & ~0x7FULL) {
    out->push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

bool ReadAvroLong(const uint8_t** pos, const uint8_t* end, int64_t* value) {
  uint64_t n = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= end) return false;
    uint8_t b = *(*pos)++;
    n |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *value = static_cast<int64_t>((n >> 1) ^ (~(n & 1) + 1));
      return true;
    }
  }
  return false;
}

namespace {

// Avro's int: at most five bytes, the low 32 bits of the zig-zag value.
bool ReadInt(const uint8_t** pos, const uint8_t* end, int32_t* value) {
  uint32_t n = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (*pos >= end) return false;
    uint8_t b = *(*pos)++;
    n |= static_cast<uint32_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *value = static_cast<int32_t>((n >> 1) ^ (~(n & 1) + 1));
      return true;
    }
  }
  return false;
}

// A length-prefixed run of bytes (bytes, string, a map key).
bool ReadBytes(const uint8_t** pos, const uint8_t* end, std::string_view* out) {
  int64_t len;
  if (!ReadAvroLong(pos, end, &len) || len < 0 || len > end - *pos) return false;
  *out = std::string_view(reinterpret_cast<const char*>(*pos), static_cast<size_t>(len));
  *pos += len;
  return true;
}

template <typename T>
bool ReadFixedWidth(const uint8_t** pos, const uint8_t* end, T* value) {
  if (end - *pos < static_cast<ptrdiff_t>(sizeof(T))) return false;
  std::memcpy(value, *pos, sizeof(T));
  *pos += sizeof(T);
  return true;
}

template <typename Builder, typename T>
arrow::Status AppendTo(arrow::ArrayBuilder* b, T value) {
  return static_cast<Builder*>(b)->Append(value);
}

arrow::Result<arrow::Decimal128> DecimalFromBytes(std::string_view bytes, int precision, bool* ok) {
  *ok = false;
  if (bytes.empty() || bytes.size() > 16) return arrow::Decimal128(0);
  ARROW_ASSIGN_OR_RAISE(auto d, arrow::Decimal128::FromBigEndian(
                                    reinterpret_cast<const uint8_t*>(bytes.data()),
                                    static_cast<int32_t>(bytes.size())));
  *ok = d.FitsInPrecision(precision);
  return d;
}

}  // namespace

// ---------------------------------------------------------------------------
// Decoding

struct AvroDecoder::Node {
  const AvroSchema* avro = nullptr;  // the writer's schema: what the bytes hold
  TypeId target = TypeId::kNull;
  arrow::ArrayBuilder* builder = nullptr;  // null: read past (a field the reader drops)
  AvroLogical logical = AvroLogical::kNone;  // the reader's logical type
  int precision = 0;
  // Record fields, array items, map values; unions: one per branch (null for "null").
  std::vector<std::unique_ptr<Node>> children;
  // Unions read as a struct of members: the member of each branch (-1 for "null").
  std::vector<int> member_of_branch;
  bool members = false;
  // Records read with a reader's schema: its fields the writer lacks, and their defaults.
  std::vector<std::pair<arrow::ArrayBuilder*, std::shared_ptr<arrow::Scalar>>> defaults;
};

namespace {

using DecodeNode = AvroDecoder::Node;

arrow::Status CannotResolve(const AvroSchema& writer, const AvroSchema& reader) {
  static const char* kKinds[] = {"null", "boolean", "int", "long", "float", "double", "bytes",
                                 "string", "record", "enum", "array", "map", "union", "fixed"};
  return arrow::Status::Invalid(fmt::format("Cannot read Avro data written as {} with the reader schema's {}",
                                            kKinds[static_cast<int>(writer.kind)],
                                            kKinds[static_cast<int>(reader.kind)]));
}

// Avro's schema resolution for primitives: the same kind, or a promotion.
bool Promotes(AvroKind w, AvroKind r) {
  if (w == r) return true;
  switch (w) {
    case AvroKind::kInt: return r == AvroKind::kLong || r == AvroKind::kFloat || r == AvroKind::kDouble;
    case AvroKind::kLong: return r == AvroKind::kFloat || r == AvroKind::kDouble;
    case AvroKind::kFloat: return r == AvroKind::kDouble;
    case AvroKind::kString: return r == AvroKind::kBytes;
    case AvroKind::kBytes: return r == AvroKind::kString;
    default: return false;
  }
}

// The reader union's branch that a writer's (non-union) schema resolves to.
const AvroSchema* MatchingBranch(const AvroSchema& reader_union, const AvroSchema& writer) {
  for (const auto& b : reader_union.branches) {
    if (b->kind == writer.kind && (b->full_name.empty() || b->full_name == writer.full_name)) return b.get();
  }
  for (const auto& b : reader_union.branches) {
    if (Promotes(writer.kind, b->kind)) return b.get();
  }
  return nullptr;
}

// A node that reads past a value of `avro` without appending it.
std::unique_ptr<DecodeNode> MakeSkipNode(const AvroSchema& avro) {
  auto node = std::make_unique<DecodeNode>();
  node->avro = &avro;
  node->logical = avro.logical;
  node->precision = avro.precision;
  for (const auto& f : avro.fields) node->children.push_back(MakeSkipNode(*f.schema));
  if (avro.items) node->children.push_back(MakeSkipNode(*avro.items));
  for (const auto& b : avro.branches) {
    node->children.push_back(b->kind == AvroKind::kNull ? nullptr : MakeSkipNode(*b));
    node->member_of_branch.push_back(-1);
  }
  return node;
}

arrow::Result<std::shared_ptr<arrow::Scalar>> DefaultValue(const AvroField& field, const DataTypePtr& type) {
  if (field.default_json.empty()) {
    return arrow::Status::Invalid("The reader schema's field \"", field.name,
                                  "\" is not in the writer's schema and has no default");
  }
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
  if (field.default_json == "null") return arrow::MakeNullScalar(arrow_type);
  ARROW_ASSIGN_OR_RAISE(auto array, arrow::json::ArrayFromJSONString(arrow_type, "[" + field.default_json + "]"));
  return array->GetScalar(0);
}

arrow::Result<std::unique_ptr<DecodeNode>> MakeDecodeNode(const AvroSchema& w, const AvroSchema* r,
                                                          const DataTypePtr& type, arrow::ArrayBuilder* builder);

// Whether a schema has a Spark type: not a recursive reference cut at recursiveFieldMaxDepth
// (nor what only holds one), whose record field Spark leaves out.
bool HasSparkType(const AvroSchema& schema) { return AvroToSparkType(schema).type != nullptr; }

// A record's fields in the writer's order: each read into the reader's field of its name (or
// read past when the reader has none, or when either side's is a cut recursive reference); the
// reader's other fields get their defaults. Fields without a Spark type are not in the struct.
arrow::Status AddRecordFields(const AvroSchema& w, const AvroSchema* r, const DataTypePtr& type,
                              arrow::ArrayBuilder* builder, DecodeNode* node) {
  const AvroSchema& reader = r != nullptr ? *r : w;
  const auto& st = static_cast<const StructType&>(*type);
  auto* sb = static_cast<arrow::StructBuilder*>(builder);
  std::vector<int> struct_field(reader.fields.size(), -1);  // the reader's field's index in `st`
  int next = 0;
  for (size_t k = 0; k < reader.fields.size(); ++k) {
    if (HasSparkType(*reader.fields[k].schema)) struct_field[k] = next++;
  }
  std::vector<bool> read(reader.fields.size(), false);
  for (size_t i = 0; i < w.fields.size(); ++i) {
    int k = r == nullptr ? static_cast<int>(i) : -1;
    for (size_t f = 0; r != nullptr && f < r->fields.size(); ++f) {
      if (r->fields[f].name == w.fields[i].name) k = static_cast<int>(f);
    }
    if (k < 0 || struct_field[k] < 0 || !HasSparkType(*w.fields[i].schema)) {
      node->children.push_back(MakeSkipNode(*w.fields[i].schema));
      if (k >= 0 && struct_field[k] < 0) read[k] = true;  // the reader leaves it out too
      continue;
    }
    read[k] = true;
    int j = struct_field[k];
    const AvroSchema* rf = r != nullptr ? r->fields[k].schema.get() : nullptr;
    ARROW_ASSIGN_OR_RAISE(auto child, MakeDecodeNode(*w.fields[i].schema, rf, st.field(j).type, sb->field_builder(j)));
    node->children.push_back(std::move(child));
  }
  if (r == nullptr) return arrow::Status::OK();  // the writer's own fields: no defaults
  for (size_t k = 0; k < reader.fields.size(); ++k) {
    if (read[k] || struct_field[k] < 0) continue;
    int j = struct_field[k];
    ARROW_ASSIGN_OR_RAISE(auto value, DefaultValue(reader.fields[k], st.field(j).type));
    node->defaults.emplace_back(sb->field_builder(j), std::move(value));
  }
  return arrow::Status::OK();
}

// A union's branches: each read into the same builder, or into its member of a struct.
arrow::Status AddUnionBranches(const AvroSchema& w, const AvroSchema* r, const DataTypePtr& type,
                               arrow::ArrayBuilder* builder, DecodeNode* node) {
  const AvroSchema& reader = r != nullptr ? *r : w;
  // Two or more branches besides "null" (but not int/long, float/double) read as members.
  node->members = NonNullBranches(reader).size() != 1 && type->id() == TypeId::kStruct;
  if (node->members && r != nullptr) {
    return arrow::Status::NotImplemented("reading a union of several types with a different reader schema");
  }
  int member = 0;
  for (const auto& branch : w.branches) {
    node->member_of_branch.push_back(branch->kind == AvroKind::kNull ? -1 : member);
    if (branch->kind == AvroKind::kNull) {
      node->children.push_back(nullptr);
      continue;
    }
    const AvroSchema* rb = nullptr;
    if (r != nullptr) {
      rb = r->kind == AvroKind::kUnion ? MatchingBranch(*r, *branch) : r;
      if (rb == nullptr) return CannotResolve(*branch, *r);
    }
    if (!HasSparkType(*branch) || (rb != nullptr && !HasSparkType(*rb))) {  // a cut recursive record
      node->member_of_branch.back() = -1;
      node->children.push_back(MakeSkipNode(*branch));
      continue;
    }
    if (node->members) {
      const auto& st = static_cast<const StructType&>(*type);
      auto* sb = static_cast<arrow::StructBuilder*>(builder);
      ARROW_ASSIGN_OR_RAISE(auto child, MakeDecodeNode(*branch, rb, st.field(member).type, sb->field_builder(member)));
      node->children.push_back(std::move(child));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto child, MakeDecodeNode(*branch, rb, type, builder));
      node->children.push_back(std::move(child));
    }
    ++member;
  }
  return arrow::Status::OK();
}

// Pairs the writer's schema `w` (and the reader's `r`, null when it is the same)
// with the builder of the Spark type the value is read as.
arrow::Result<std::unique_ptr<DecodeNode>> MakeDecodeNode(const AvroSchema& w, const AvroSchema* r,
                                                          const DataTypePtr& type, arrow::ArrayBuilder* builder) {
  if (r != nullptr && r->kind == AvroKind::kUnion && w.kind != AvroKind::kUnion) {
    const AvroSchema* branch = MatchingBranch(*r, w);
    if (branch == nullptr || NonNullBranches(*r).size() != 1) return CannotResolve(w, *r);
    return MakeDecodeNode(w, branch, type, builder);
  }
  const AvroSchema& reader = r != nullptr ? *r : w;
  if (r != nullptr && w.kind != AvroKind::kUnion && !Promotes(w.kind, r->kind)) return CannotResolve(w, *r);
  auto node = std::make_unique<DecodeNode>();
  node->avro = &w;
  node->target = type->id();
  node->builder = builder;
  node->logical = reader.logical;
  node->precision = reader.precision;
  switch (w.kind) {
    case AvroKind::kRecord:
      ARROW_RETURN_NOT_OK(AddRecordFields(w, r, type, builder, node.get()));
      break;
    case AvroKind::kArray:
    case AvroKind::kMap: {
      const AvroSchema* items = r != nullptr ? r->items.get() : nullptr;
      DataTypePtr item_type;
      arrow::ArrayBuilder* item_builder;
      if (w.kind == AvroKind::kArray) {
        item_type = static_cast<const ArrayType&>(*type).element_type();
        item_builder = static_cast<arrow::ListBuilder*>(builder)->value_builder();
      } else {
        item_type = static_cast<const MapType&>(*type).value_type();
        item_builder = static_cast<arrow::MapBuilder*>(builder)->item_builder();
      }
      ARROW_ASSIGN_OR_RAISE(auto child, MakeDecodeNode(*w.items, items, item_type, item_builder));
      node->children.push_back(std::move(child));
      break;
    }
    case AvroKind::kUnion:
      ARROW_RETURN_NOT_OK(AddUnionBranches(w, r, type, builder, node.get()));
      break;
    default:
      break;
  }
  return node;
}

// Whether a value of `avro` may take no bytes at all.
bool TakesNoBytes(const AvroSchema& avro) {
  if (avro.kind == AvroKind::kNull) return true;
  if (avro.kind == AvroKind::kFixed) return avro.fixed_size == 0;
  if (avro.kind != AvroKind::kRecord || avro.recursive_of != nullptr) return false;
  for (const auto& f : avro.fields) {
    if (!TakesNoBytes(*f.schema)) return false;
  }
  return true;
}

// Reads one datum of `node`; appends only when `build`. IOError means malformed.
class DatumReader {
 public:
  DatumReader(const uint8_t* pos, const uint8_t* end, bool build) : pos_(pos), end_(end), build_(build) {}
  const uint8_t* pos() const { return pos_; }

  arrow::Status Read(const DecodeNode& n) {
    if (n.avro->recursive_of != nullptr) return Skip(*n.avro->recursive_of);
    switch (n.avro->kind) {
      case AvroKind::kNull: return Build(n) ? n.builder->AppendNull() : arrow::Status::OK();
      case AvroKind::kBoolean: {
        if (pos_ >= end_) return Malformed();
        bool v = *pos_++ == 1;
        return Build(n) ? AppendTo<arrow::BooleanBuilder>(n.builder, v) : arrow::Status::OK();
      }
      case AvroKind::kInt: return ReadIntValue(n);
      case AvroKind::kLong: return ReadLongValue(n);
      case AvroKind::kFloat: {
        float v;
        if (!ReadFixedWidth(&pos_, end_, &v)) return Malformed();
        if (!Build(n)) return arrow::Status::OK();
        return n.target == TypeId::kDouble ? AppendTo<arrow::DoubleBuilder>(n.builder, static_cast<double>(v))
                                           : AppendTo<arrow::FloatBuilder>(n.builder, v);
      }
      case AvroKind::kDouble: {
        double v;
        if (!ReadFixedWidth(&pos_, end_, &v)) return Malformed();
        return Build(n) ? AppendTo<arrow::DoubleBuilder>(n.builder, v) : arrow::Status::OK();
      }
      case AvroKind::kString:
      case AvroKind::kBytes: {
        std::string_view v;
        if (!ReadBytes(&pos_, end_, &v)) return Malformed();
        return AppendBinary(n, v);
      }
      case AvroKind::kFixed: {
        if (end_ - pos_ < n.avro->fixed_size) return Malformed();
        std::string_view v(reinterpret_cast<const char*>(pos_), n.avro->fixed_size);
        pos_ += n.avro->fixed_size;
        return AppendBinary(n, v);
      }
      case AvroKind::kEnum: {
        int32_t index;
        if (!ReadInt(&pos_, end_, &index)) return Malformed();
        if (index < 0 || index >= static_cast<int32_t>(n.avro->symbols.size())) return Malformed();
        return Build(n) ? AppendTo<arrow::StringBuilder>(n.builder, n.avro->symbols[index]) : arrow::Status::OK();
      }
      case AvroKind::kRecord: {
        if (Build(n)) ARROW_RETURN_NOT_OK(static_cast<arrow::StructBuilder*>(n.builder)->Append());
        for (const auto& child : n.children) ARROW_RETURN_NOT_OK(Read(*child));
        if (Build(n)) {
          for (const auto& [builder, value] : n.defaults) ARROW_RETURN_NOT_OK(builder->AppendScalar(*value));
        }
        return arrow::Status::OK();
      }
      case AvroKind::kArray:
      case AvroKind::kMap: return ReadBlocks(n);
      case AvroKind::kUnion: return ReadUnion(n);
    }
    return Malformed();
  }

 private:
  // Appends happen in the second pass, for nodes the reader's schema keeps.
  bool Build(const DecodeNode& n) const { return build_ && n.builder != nullptr; }

  static arrow::Status Malformed() { return arrow::Status::IOError("malformed Avro datum"); }

  arrow::Status ReadIntValue(const DecodeNode& n) {
    int32_t v;
    if (!ReadInt(&pos_, end_, &v)) return Malformed();
    if (!Build(n)) return arrow::Status::OK();
    switch (n.target) {
      case TypeId::kDate: return AppendTo<arrow::Date32Builder>(n.builder, v);
      case TypeId::kLong: return AppendTo<arrow::Int64Builder>(n.builder, static_cast<int64_t>(v));
      case TypeId::kFloat: return AppendTo<arrow::FloatBuilder>(n.builder, static_cast<float>(v));
      case TypeId::kDouble: return AppendTo<arrow::DoubleBuilder>(n.builder, static_cast<double>(v));
      default: return AppendTo<arrow::Int32Builder>(n.builder, v);
    }
  }

  arrow::Status ReadLongValue(const DecodeNode& n) {
    int64_t v;
    if (!ReadAvroLong(&pos_, end_, &v)) return Malformed();
    AvroLogical logical = n.logical;
    if (logical == AvroLogical::kTimestampMillis || logical == AvroLogical::kLocalTimestampMillis) {
      if (__builtin_mul_overflow(v, int64_t{1000}, &v)) return Malformed();
    }
    if (!Build(n)) return arrow::Status::OK();
    if (n.target == TypeId::kTimestamp || n.target == TypeId::kTimestampNtz) {
      return AppendTo<arrow::TimestampBuilder>(n.builder, v);
    }
    if (n.target == TypeId::kFloat) return AppendTo<arrow::FloatBuilder>(n.builder, static_cast<float>(v));
    if (n.target == TypeId::kDouble) return AppendTo<arrow::DoubleBuilder>(n.builder, static_cast<double>(v));
    return AppendTo<arrow::Int64Builder>(n.builder, v);
  }

  arrow::Status AppendBinary(const DecodeNode& n, std::string_view v) {
    if (n.logical == AvroLogical::kDecimal) {
      bool ok;
      ARROW_ASSIGN_OR_RAISE(auto d, DecimalFromBytes(v, n.precision, &ok));
      if (!ok) return Malformed();
      return Build(n) ? AppendTo<arrow::Decimal128Builder>(n.builder, d) : arrow::Status::OK();
    }
    if (!Build(n)) return arrow::Status::OK();
    if (n.target == TypeId::kString) return AppendTo<arrow::StringBuilder>(n.builder, v);
    return AppendTo<arrow::BinaryBuilder>(n.builder, v);
  }

  // Arrays and maps come in blocks: a count (negative: followed by the block's
  // size in bytes), the items, until a count of 0.
  arrow::Status ReadBlocks(const DecodeNode& n) {
    bool is_map = n.avro->kind == AvroKind::kMap;
    if (Build(n)) {
      if (is_map) {
        ARROW_RETURN_NOT_OK(static_cast<arrow::MapBuilder*>(n.builder)->Append());
      } else {
        ARROW_RETURN_NOT_OK(static_cast<arrow::ListBuilder*>(n.builder)->Append());
      }
    }
    while (true) {
      int64_t count;
      if (!ReadAvroLong(&pos_, end_, &count)) return Malformed();
      if (count == 0) return arrow::Status::OK();
      if (count < 0) {
        int64_t size;
        if (!ReadAvroLong(&pos_, end_, &size)) return Malformed();
        count = -count;
      }
      // Every item takes at least one byte, except for items that hold nothing (null, a
      // record of such fields): those are bounded so that a corrupt count cannot exhaust memory.
      constexpr int64_t kMaxEmptyItems = int64_t{1} << 24;
      int64_t limit = TakesNoBytes(*n.children[0]->avro) ? kMaxEmptyItems : end_ - pos_;
      if (count > limit) return Malformed();
      for (int64_t i = 0; i < count; ++i) {
        if (is_map) {
          std::string_view key;
          if (!ReadBytes(&pos_, end_, &key)) return Malformed();
          if (Build(n)) {
            auto* keys = static_cast<arrow::StringBuilder*>(static_cast<arrow::MapBuilder*>(n.builder)->key_builder());
            ARROW_RETURN_NOT_OK(keys->Append(key));
          }
        }
        ARROW_RETURN_NOT_OK(Read(*n.children[0]));
      }
    }
  }

  arrow::Status ReadUnion(const DecodeNode& n) {
    int32_t index;
    if (!ReadInt(&pos_, end_, &index)) return Malformed();
    if (index < 0 || index >= static_cast<int32_t>(n.children.size())) return Malformed();
    const DecodeNode* branch = n.children[index].get();
    if (branch == nullptr) return Build(n) ? n.builder->AppendNull() : arrow::Status::OK();
    if (!n.members) return Read(*branch);
    if (Build(n)) {
      auto* sb = static_cast<arrow::StructBuilder*>(n.builder);
      ARROW_RETURN_NOT_OK(sb->Append());
      for (int m = 0; m < sb->num_fields(); ++m) {
        if (m != n.member_of_branch[index]) ARROW_RETURN_NOT_OK(sb->field_builder(m)->AppendNull());
      }
    }
    return Read(*branch);
  }

  // Reads past a value of `avro` by its schema alone: the values under a cut
  // recursive reference, whose nesting only the data bounds.
  arrow::Status Skip(const AvroSchema& avro) {
    if (avro.recursive_of != nullptr) return Skip(*avro.recursive_of);
    switch (avro.kind) {
      case AvroKind::kRecord:
        for (const auto& f : avro.fields) ARROW_RETURN_NOT_OK(Skip(*f.schema));
        return arrow::Status::OK();
      case AvroKind::kUnion: {
        int32_t index;
        if (!ReadInt(&pos_, end_, &index)) return Malformed();
        if (index < 0 || index >= static_cast<int32_t>(avro.branches.size())) return Malformed();
        return Skip(*avro.branches[index]);
      }
      case AvroKind::kArray:
      case AvroKind::kMap:
        while (true) {
          int64_t count;
          if (!ReadAvroLong(&pos_, end_, &count)) return Malformed();
          if (count == 0) return arrow::Status::OK();
          if (count < 0) {
            int64_t size;
            if (!ReadAvroLong(&pos_, end_, &size)) return Malformed();
            count = -count;
          }
          if (count > end_ - pos_) return Malformed();
          for (int64_t i = 0; i < count; ++i) {
            std::string_view key;
            if (avro.kind == AvroKind::kMap && !ReadBytes(&pos_, end_, &key)) return Malformed();
            ARROW_RETURN_NOT_OK(Skip(*avro.items));
          }
        }
      default: {
        DecodeNode leaf;  // a value without children: read past by the node reader
        leaf.avro = &avro;
        leaf.logical = avro.logical;
        leaf.precision = avro.precision;
        return Read(leaf);
      }
    }
  }

  const uint8_t* pos_;
  const uint8_t* end_;
  bool build_;
};

}  // namespace

arrow::Result<std::unique_ptr<AvroDecoder>> AvroDecoder::Make(AvroSchemaPtr schema, DataTypePtr type,
                                                              AvroSchemaPtr reader) {
  std::unique_ptr<AvroDecoder> d(new AvroDecoder());
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), arrow_type, &d->builder_));
  ARROW_ASSIGN_OR_RAISE(d->root_, MakeDecodeNode(*schema, reader.get(), type, d->builder_.get()));
  d->schema_ = std::move(schema);
  d->reader_ = std::move(reader);
  d->type_ = std::move(type);
  return d;
}

AvroDecoder::~AvroDecoder() = default;

arrow::Result<bool> AvroDecoder::Append(const uint8_t** pos, const uint8_t* end) {
  DatumReader check(*pos, end, false);
  arrow::Status st = check.Read(*root_);
  if (st.IsIOError()) return false;
  ARROW_RETURN_NOT_OK(st);
  DatumReader read(*pos, end, true);
  ARROW_RETURN_NOT_OK(read.Read(*root_));
  *pos = read.pos();
  return true;
}

arrow::Status AvroDecoder::AppendNull() { return builder_->AppendNull(); }

arrow::Status AvroDecoder::AppendAllNullFields() {
  if (type_->id() != TypeId::kStruct) return builder_->AppendNull();
  auto* sb = static_cast<arrow::StructBuilder*>(builder_.get());
  ARROW_RETURN_NOT_OK(sb->Append());
  for (int i = 0; i < sb->num_fields(); ++i) ARROW_RETURN_NOT_OK(sb->field_builder(i)->AppendNull());
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Array>> AvroDecoder::Finish() {
  ARROW_ASSIGN_OR_RAISE(auto array, builder_->Finish());
  return ReplaceInvalidUtf8(array);
}

// ---------------------------------------------------------------------------
// Encoding

struct AvroEncoder::Node {
  const AvroSchema* avro = nullptr;
  DataTypePtr type;
  std::vector<std::unique_ptr<Node>> children;  // per record field / items / values / the value branch
  std::vector<int> struct_field;                // record field i -> index in the Spark struct
  int null_branch = -1, value_branch = -1;      // unions
};

namespace {

using EncodeNode = AvroEncoder::Node;

arrow::Status Incompatible(const DataType& type, const AvroSchema& avro) {
  static const char* kKinds[] = {"NULL", "BOOLEAN", "INT", "LONG", "FLOAT", "DOUBLE", "BYTES",
                                 "STRING", "RECORD", "ENUM", "ARRAY", "MAP", "UNION", "FIXED"};
  return arrow::Status::Invalid(
      fmt::format("[AVRO_INCOMPATIBLE_WRITE_TYPE] Cannot convert SQL type {} to Avro type {}.",
                  type.Sql(), kKinds[static_cast<int>(avro.kind)]));
}

bool ScalarFits(TypeId t, const AvroSchema& avro) {
  switch (avro.kind) {
    case AvroKind::kNull: return t == TypeId::kNull;
    case AvroKind::kBoolean: return t == TypeId::kBoolean;
    case AvroKind::kInt:
      return t == TypeId::kByte || t == TypeId::kShort || t == TypeId::kInt || t == TypeId::kDate;
    case AvroKind::kLong:
      return t == TypeId::kLong || t == TypeId::kTimestamp || t == TypeId::kTimestampNtz;
    case AvroKind::kFloat: return t == TypeId::kFloat;
    case AvroKind::kDouble: return t == TypeId::kDouble;
    case AvroKind::kString:
    case AvroKind::kEnum: return t == TypeId::kString;
    case AvroKind::kBytes:
    case AvroKind::kFixed:
      return avro.logical == AvroLogical::kDecimal ? t == TypeId::kDecimal : t == TypeId::kBinary;
    default: return false;
  }
}

arrow::Result<std::unique_ptr<EncodeNode>> MakeEncodeNode(const AvroSchema& avro, const DataTypePtr& type) {
  auto node = std::make_unique<EncodeNode>();
  node->avro = &avro;
  node->type = type;
  switch (avro.kind) {
    case AvroKind::kUnion: {
      auto rest = NonNullBranches(avro);
      for (size_t i = 0; i < avro.branches.size(); ++i) {
        if (avro.branches[i]->kind == AvroKind::kNull) {
          node->null_branch = static_cast<int>(i);
        } else if (node->value_branch < 0) {
          node->value_branch = static_cast<int>(i);
        }
      }
      if (rest.size() != 1) return Incompatible(*type, avro);
      ARROW_ASSIGN_OR_RAISE(auto child, MakeEncodeNode(*rest[0], type));
      node->children.push_back(std::move(child));
      return node;
    }
    case AvroKind::kRecord: {
      if (type->id() != TypeId::kStruct) return Incompatible(*type, avro);
      const auto& st = static_cast<const StructType&>(*type);
      for (const auto& f : avro.fields) {
        int index = -1;
        for (int i = 0; i < st.num_fields(); ++i) {
          if (AsciiLower(st.field(i).name) == AsciiLower(f.name)) index = i;
        }
        if (index < 0) {
          return arrow::Status::Invalid(fmt::format(
              "[AVRO_INCOMPATIBLE_WRITE_TYPE] Cannot find field \"{}\" of the Avro schema in the SQL "
              "schema {}.", f.name, type->Sql()));
        }
        ARROW_ASSIGN_OR_RAISE(auto child, MakeEncodeNode(*f.schema, st.field(index).type));
        node->children.push_back(std::move(child));
        node->struct_field.push_back(index);
      }
      if (node->struct_field.size() != static_cast<size_t>(st.num_fields())) {
        for (int i = 0; i < st.num_fields(); ++i) {
          if (std::find(node->struct_field.begin(), node->struct_field.end(), i) == node->struct_field.end()) {
            return arrow::Status::Invalid(fmt::format(
                "[AVRO_INCOMPATIBLE_WRITE_TYPE] Cannot find field \"{}\" of the SQL schema in the Avro "
                "schema {}.", st.field(i).name, avro.full_name));
          }
        }
      }
      return node;
    }
    case AvroKind::kArray: {
      if (type->id() != TypeId::kArray) return Incompatible(*type, avro);
      ARROW_ASSIGN_OR_RAISE(auto child,
                            MakeEncodeNode(*avro.items, static_cast<const ArrayType&>(*type).element_type()));
      node->children.push_back(std::move(child));
      return node;
    }
    case AvroKind::kMap: {
      if (type->id() != TypeId::kMap) return Incompatible(*type, avro);
      const auto& mt = static_cast<const MapType&>(*type);
      if (mt.key_type()->id() != TypeId::kString) return Incompatible(*type, avro);
      ARROW_ASSIGN_OR_RAISE(auto child, MakeEncodeNode(*avro.items, mt.value_type()));
      node->children.push_back(std::move(child));
      return node;
    }
    default:
      if (!ScalarFits(type->id(), avro)) return Incompatible(*type, avro);
      return node;
  }
}

// The unscaled value as big-endian two's complement: the fewest bytes, or `width` bytes.
std::string DecimalBytes(const arrow::Decimal128& d, int width) {
  uint8_t le[16];
  d.ToBytes(le);
  std::string be(16, '\0');
  for (int i = 0; i < 16; ++i) be[i] = static_cast<char>(le[15 - i]);
  if (width > 0) {
    if (width >= 16) return std::string(width - 16, d.IsNegative() ? '\xff' : '\0') + be;
    return be.substr(16 - width);
  }
  size_t start = 0;
  while (start < 15) {
    uint8_t b = be[start], next = be[start + 1];
    bool redundant = (b == 0x00 && (next & 0x80) == 0) || (b == 0xFF && (next & 0x80) != 0);
    if (!redundant) break;
    ++start;
  }
  return be.substr(start);
}

// Strings, bytes, fixed and decimals: a length (not for fixed) and the bytes.
arrow::Status EncodeBytes(const AvroSchema& avro, const arrow::Array& a, int64_t i, std::string* out) {
  std::string decimal;
  std::string_view bytes;
  if (avro.logical == AvroLogical::kDecimal) {
    arrow::Decimal128 d(static_cast<const arrow::Decimal128Array&>(a).GetValue(i));
    decimal = DecimalBytes(d, avro.kind == AvroKind::kFixed ? avro.fixed_size : 0);
    bytes = decimal;
  } else {
    bytes = static_cast<const arrow::BinaryArray&>(a).GetView(i);
  }
  if (avro.kind == AvroKind::kFixed) {
    if (static_cast<int>(bytes.size()) != avro.fixed_size) {
      return arrow::Status::Invalid(fmt::format(
          "Cannot write {} bytes of binary data into FIXED Type with size of {} bytes.",
          bytes.size(), avro.fixed_size));
    }
  } else {
    AppendAvroLong(static_cast<int64_t>(bytes.size()), out);
  }
  out->append(bytes);
  return arrow::Status::OK();
}

using EncodeInput = AvroEncoder::Input;

EncodeInput BindInput(const EncodeNode& n, const arrow::Array& a) {
  EncodeInput input{&a, {}};
  switch (n.avro->kind) {
    case AvroKind::kUnion:
      input.children.push_back(BindInput(*n.children[0], a));
      break;
    case AvroKind::kRecord: {
      const auto& sa = static_cast<const arrow::StructArray&>(a);
      for (size_t f = 0; f < n.children.size(); ++f) {
        input.children.push_back(BindInput(*n.children[f], *sa.field(n.struct_field[f])));
      }
      break;
    }
    case AvroKind::kArray:
      input.children.push_back(BindInput(*n.children[0], *static_cast<const arrow::ListArray&>(a).values()));
      break;
    case AvroKind::kMap:
      input.children.push_back(BindInput(*n.children[0], *static_cast<const arrow::MapArray&>(a).items()));
      break;
    default:
      break;
  }
  return input;
}

arrow::Status EncodeValue(const EncodeNode& n, const EncodeInput& in, int64_t i, std::string* out);

// An array's items or a map's entries: one block with their count, then the end (0).
arrow::Status EncodeBlocks(const EncodeNode& n, const EncodeInput& in, int64_t i, std::string* out) {
  const AvroSchema& avro = *n.avro;
  const arrow::Array& a = *in.array;
  const auto& la = static_cast<const arrow::ListArray&>(a);  // a MapArray is a ListArray
  int64_t start = la.value_offset(i), count = la.value_length(i);
  if (count > 0) {
    AppendAvroLong(count, out);
    if (avro.kind == AvroKind::kMap) {
      const auto& ma = static_cast<const arrow::MapArray&>(a);
      const auto& keys = static_cast<const arrow::StringArray&>(*ma.keys());
      for (int64_t k = start; k < start + count; ++k) {
        std::string_view key = keys.GetView(k);
        AppendAvroLong(static_cast<int64_t>(key.size()), out);
        out->append(key);
        ARROW_RETURN_NOT_OK(EncodeValue(*n.children[0], in.children[0], k, out));
      }
    } else {
      for (int64_t k = start; k < start + count; ++k) {
        ARROW_RETURN_NOT_OK(EncodeValue(*n.children[0], in.children[0], k, out));
      }
    }
  }
  out->push_back(0);
  return arrow::Status::OK();
}

arrow::Status EncodeValue(const EncodeNode& n, const EncodeInput& in, int64_t i, std::string* out) {
  const AvroSchema& avro = *n.avro;
  const arrow::Array& a = *in.array;
  if (avro.kind == AvroKind::kUnion) {
    if (a.IsNull(i)) {
      if (n.null_branch < 0) return arrow::Status::Invalid("Cannot write null to a non-nullable Avro union");
      AppendAvroLong(n.null_branch, out);
      return arrow::Status::OK();
    }
    AppendAvroLong(n.value_branch, out);
    return EncodeValue(*n.children[0], in.children[0], i, out);
  }
  if (avro.kind == AvroKind::kNull) return arrow::Status::OK();
  if (a.IsNull(i)) {
    return arrow::Status::Invalid(
        "[AVRO_CANNOT_WRITE_NULL_FIELD] Cannot write null value for a field of non-null Avro type ",
        n.type->Sql(), ". SQLSTATE: 22004");
  }
  switch (avro.kind) {
    case AvroKind::kBoolean:
      out->push_back(static_cast<const arrow::BooleanArray&>(a).Value(i) ? 1 : 0);
      return arrow::Status::OK();
    case AvroKind::kInt: {
      int64_t v = 0;
      switch (n.type->id()) {
        case TypeId::kByte: v = a.data()->GetValues<int8_t>(1)[i]; break;
        case TypeId::kShort: v = a.data()->GetValues<int16_t>(1)[i]; break;
        default: v = a.data()->GetValues<int32_t>(1)[i]; break;
      }
      AppendAvroLong(v, out);
      return arrow::Status::OK();
    }
    case AvroKind::kLong: {
      int64_t v = a.data()->GetValues<int64_t>(1)[i];
      if (avro.logical == AvroLogical::kTimestampMillis || avro.logical == AvroLogical::kLocalTimestampMillis) {
        v = v / 1000 - (v % 1000 < 0 ? 1 : 0);
      }
      AppendAvroLong(v, out);
      return arrow::Status::OK();
    }
    case AvroKind::kFloat:
      out->append(reinterpret_cast<const char*>(a.data()->GetValues<float>(1) + i), 4);
      return arrow::Status::OK();
    case AvroKind::kDouble:
      out->append(reinterpret_cast<const char*>(a.data()->GetValues<double>(1) + i), 8);
      return arrow::Status::OK();
    case AvroKind::kString:
    case AvroKind::kBytes:
    case AvroKind::kFixed:
      return EncodeBytes(avro, a, i, out);
    case AvroKind::kEnum: {
      std::string_view v = static_cast<const arrow::StringArray&>(a).GetView(i);
      for (size_t s = 0; s < avro.symbols.size(); ++s) {
        if (avro.symbols[s] == v) {
          AppendAvroLong(static_cast<int64_t>(s), out);
          return arrow::Status::OK();
        }
      }
      return arrow::Status::Invalid(fmt::format("Cannot write \"{}\" since it's not defined in enum \"{}\"",
                                                v, fmt::join(avro.symbols, "\", \"")));
    }
    case AvroKind::kRecord:
      for (size_t f = 0; f < n.children.size(); ++f) {
        ARROW_RETURN_NOT_OK(EncodeValue(*n.children[f], in.children[f], i, out));
      }
      return arrow::Status::OK();
    case AvroKind::kArray:
    case AvroKind::kMap:
      return EncodeBlocks(n, in, i, out);
    default:
      return arrow::Status::Invalid("cannot encode Avro type");
  }
}

}  // namespace

arrow::Result<std::unique_ptr<AvroEncoder>> AvroEncoder::Make(AvroSchemaPtr schema, DataTypePtr type) {
  std::unique_ptr<AvroEncoder> e(new AvroEncoder());
  ARROW_ASSIGN_OR_RAISE(e->root_, MakeEncodeNode(*schema, type));
  e->schema_ = std::move(schema);
  return e;
}

AvroEncoder::~AvroEncoder() = default;

AvroEncoder::Input AvroEncoder::Bind(const arrow::Array& array) const { return BindInput(*root_, array); }

arrow::Status AvroEncoder::Encode(const Input& input, int64_t row, std::string* out) const {
  return EncodeValue(*root_, input, row, out);
}

}  // namespace spate
