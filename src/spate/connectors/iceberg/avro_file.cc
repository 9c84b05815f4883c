#include "spate/connectors/iceberg/avro_file.h"

#include <cstdio>

#include <fmt/format.h>

#include "spate/connectors/file/avro_container.h"

namespace spate::iceberg {

namespace {

arrow::Status AvroError(const std::string& what) {
  return arrow::Status::IOError(what, ": ", avro_strerror());
}

}  // namespace

arrow::Result<std::unique_ptr<AvroWriter>> AvroWriter::Make(
    const std::string& schema_json, std::vector<std::pair<std::string, std::string>> metadata) {
  std::unique_ptr<AvroWriter> w(new AvroWriter());
  w->schema_json_ = schema_json;
  w->metadata_ = std::move(metadata);
  if (avro_schema_from_json_length(schema_json.data(), schema_json.size(), &w->schema_) != 0) {
    return AvroError("invalid Avro schema");
  }
  w->iface_ = avro_generic_class_from_schema(w->schema_);
  if (w->iface_ == nullptr || avro_generic_value_new(w->iface_, &w->record_) != 0) {
    return AvroError("cannot make an Avro record");
  }
  return w;
}

AvroWriter::~AvroWriter() {
  if (iface_ != nullptr) {
    avro_value_decref(&record_);
    avro_value_iface_decref(iface_);
  }
  if (schema_ != nullptr) avro_schema_decref(schema_);
}

arrow::Status AvroWriter::Append() {
  size_t size = 0;
  if (avro_value_sizeof(&record_, &size) != 0) return AvroError("cannot size an Avro record");
  size_t at = encoded_.size();
  encoded_.resize(at + size);
  avro_writer_t writer = avro_writer_memory(encoded_.data() + at, static_cast<int64_t>(size));
  int rc = avro_value_write(writer, &record_);
  avro_writer_free(writer);
  if (rc != 0) return AvroError("cannot encode an Avro record");
  avro_value_reset(&record_);
  ++count_;
  return arrow::Status::OK();
}

std::string AvroWriter::Finish() {
  std::string sync;
  std::string out = AvroContainerHeader(schema_json_, "null", metadata_, &sync);
  if (count_ > 0) AppendAvroBlock(count_, encoded_, sync, &out);
  return out;
}

arrow::Result<std::unique_ptr<AvroReader>> AvroReader::Open(std::string bytes, const std::string& name) {
  std::unique_ptr<AvroReader> r(new AvroReader());
  r->path_ = name;
  r->bytes_ = std::move(bytes);
  const std::string& path = r->path_;
  FILE* in = r->bytes_.empty() ? nullptr : fmemopen(r->bytes_.data(), r->bytes_.size(), "rb");
  if (in == nullptr || avro_file_reader_fp(in, path.c_str(), /*should_close=*/1, &r->reader_) != 0) {
    r->reader_ = nullptr;
    return AvroError("cannot open Avro file " + path);
  }
  r->schema_ = avro_file_reader_get_writer_schema(r->reader_);
  r->iface_ = avro_generic_class_from_schema(r->schema_);
  if (r->iface_ == nullptr || avro_generic_value_new(r->iface_, &r->record_) != 0) {
    r->iface_ = nullptr;
    return AvroError("cannot read the schema of " + path);
  }
  return r;
}

AvroReader::~AvroReader() {
  if (iface_ != nullptr) {
    avro_value_decref(&record_);
    avro_value_iface_decref(iface_);
  }
  if (reader_ != nullptr) avro_file_reader_close(reader_);
}

arrow::Result<avro_value_t*> AvroReader::Next() {
  avro_value_reset(&record_);
  int rc = avro_file_reader_read_value(reader_, &record_);
  if (rc == EOF) return nullptr;
  if (rc != 0) return AvroError("cannot read " + path_);
  return &record_;
}

arrow::Result<avro_value_t> Field(avro_value_t* record, const char* name) {
  avro_value_t field;
  if (avro_value_get_by_name(record, name, &field, nullptr) != 0) {
    return arrow::Status::Invalid("Avro record has no field ", name);
  }
  return field;
}

arrow::Result<avro_value_t> NonNullBranch(avro_value_t* record, const char* name) {
  ARROW_ASSIGN_OR_RAISE(avro_value_t field, Field(record, name));
  if (avro_value_get_type(&field) != AVRO_UNION) return field;
  avro_value_t branch;
  if (avro_value_set_branch(&field, 1, &branch) != 0) return AvroError(std::string("field ") + name);
  return branch;
}

arrow::Status SetInt(avro_value_t* record, const char* name, int32_t v) {
  ARROW_ASSIGN_OR_RAISE(avro_value_t f, NonNullBranch(record, name));
  return avro_value_set_int(&f, v) == 0 ? arrow::Status::OK() : AvroError(name);
}

arrow::Status SetLong(avro_value_t* record, const char* name, int64_t v) {
  ARROW_ASSIGN_OR_RAISE(avro_value_t f, NonNullBranch(record, name));
  return avro_value_set_long(&f, v) == 0 ? arrow::Status::OK() : AvroError(name);
}

arrow::Status SetString(avro_value_t* record, const char* name, const std::string& v) {
  ARROW_ASSIGN_OR_RAISE(avro_value_t f, NonNullBranch(record, name));
  return avro_value_set_string_len(&f, v.c_str(), v.size() + 1) == 0 ? arrow::Status::OK() : AvroError(name);
}

arrow::Status SetBool(avro_value_t* record, const char* name, bool v) {
  ARROW_ASSIGN_OR_RAISE(avro_value_t f, NonNullBranch(record, name));
  return avro_value_set_boolean(&f, v ? 1 : 0) == 0 ? arrow::Status::OK() : AvroError(name);
}

arrow::Status SetNull(avro_value_t* record, const char* name) {
  ARROW_ASSIGN_OR_RAISE(avro_value_t field, Field(record, name));
  avro_value_t branch;
  if (avro_value_set_branch(&field, 0, &branch) != 0) return AvroError(name);
  return avro_value_set_null(&branch) == 0 ? arrow::Status::OK() : AvroError(name);
}

std::optional<avro_value_t> Unwrap(avro_value_t value) {
  if (avro_value_get_type(&value) != AVRO_UNION) return value;
  avro_value_t branch;
  if (avro_value_get_current_branch(&value, &branch) != 0) return std::nullopt;
  if (avro_value_get_type(&branch) == AVRO_NULL) return std::nullopt;
  return branch;
}

std::optional<int64_t> GetLong(avro_value_t* record, const char* name) {
  avro_value_t field;
  if (avro_value_get_by_name(record, name, &field, nullptr) != 0) return std::nullopt;
  auto v = Unwrap(field);
  if (!v) return std::nullopt;
  if (avro_value_get_type(&*v) == AVRO_INT32) {
    int32_t i = 0;
    avro_value_get_int(&*v, &i);
    return i;
  }
  int64_t l = 0;
  if (avro_value_get_long(&*v, &l) != 0) return std::nullopt;
  return l;
}

std::optional<std::string> GetString(avro_value_t* record, const char* name) {
  avro_value_t field;
  if (avro_value_get_by_name(record, name, &field, nullptr) != 0) return std::nullopt;
  auto v = Unwrap(field);
  if (!v) return std::nullopt;
  const char* s = nullptr;
  size_t size = 0;
  if (avro_value_get_type(&*v) == AVRO_BYTES) {
    const void* b = nullptr;
    if (avro_value_get_bytes(&*v, &b, &size) != 0) return std::nullopt;
    return std::string(static_cast<const char*>(b), size);
  }
  if (avro_value_get_string(&*v, &s, &size) != 0) return std::nullopt;
  return std::string(s, size > 0 ? size - 1 : 0);  // avro-c counts the NUL
}

}  // namespace spate::iceberg
