// The schema-registry form of from_avro and to_avro (Databricks'): values in
// the registry's wire format (magic byte 0, 4-byte big-endian schema id, the
// Avro datum). from_avro reads each value with the writer schema its id names
// (fetched once per id), resolved to the reader schema: the subject's latest
// when the query is analyzed, or jsonFormatSchema when given. to_avro writes
// with a schema that must be registered under the subject, and prefixes its id.

#include <map>
#include <memory>

#include <arrow/api.h>
#include <arrow/array/concatenate.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/avro_codec.h"
#include "spate/expr/avro_functions_internal.h"
#include "spate/expr/avro_schema_registry.h"
#include "spate/expr/function_registry.h"

namespace spate {

namespace {

struct RegistryReadSettings {
  std::shared_ptr<SchemaRegistryClient> client;
  std::string subject;
  int32_t reader_id = -1;  // the reader schema's id (-1 for a jsonFormatSchema)
  AvroSchemaPtr reader;
  DataTypePtr type;
  AvroReadOptions read;
  bool restart_on_new_schema = false;  // avroSchemaEvolutionMode "restart"
};

// The decoders of one batch, one per writer schema id (and one for NULLs), and
// which decoder and row each input row went to.
class RegistryBatchDecoder {
 public:
  explicit RegistryBatchDecoder(const RegistryReadSettings& s) : s_(s) {}

  // The index of the decoder for values written with `id`; -1 when the registry
  // does not know the id (and a PERMISSIVE read makes such values NULL).
  arrow::Result<int> ForId(int64_t id) {
    if (auto it = decoder_of_id_.find(id); it != decoder_of_id_.end()) return it->second;
    if (s_.restart_on_new_schema && s_.reader_id >= 0 && id > s_.reader_id) {
      return arrow::Status::Invalid(fmt::format(
          "A record of subject `{}` was written with schema id {}, newer than the subject's latest "
          "schema (id {}) when the query started. With avroSchemaEvolutionMode 'restart' the query "
          "stops here: restart it to read with the new schema.",
          s_.subject, id, s_.reader_id));
    }
    auto text = s_.client->SchemaById(static_cast<int32_t>(id));
    if (text.status().IsKeyError()) {
      if (s_.read.fail_fast) return MalformedAvro(text.status().message());
      return -1;
    }
    ARROW_RETURN_NOT_OK(text.status());
    ARROW_ASSIGN_OR_RAISE(auto writer, ParseAvroSchema(*text, s_.read.max_depth));
    auto decoder = AvroDecoder::Make(writer, s_.type, s_.reader);
    if (!decoder.ok()) {
      return arrow::Status::Invalid(fmt::format("Schema id {} cannot be read as the reader schema: {}", id,
                                                decoder.status().message()));
    }
    return decoder_of_id_[id] = Add(std::move(*decoder));
  }

  // Decodes the datum into decoder `index`; a malformed one fails (FAILFAST) or
  // reads as NULL fields.
  arrow::Status Append(int index, const uint8_t* pos, const uint8_t* end) {
    AvroDecoder& decoder = *decoders_[index];
    ARROW_ASSIGN_OR_RAISE(bool ok, decoder.Append(&pos, end));
    if (!ok) {
      if (s_.read.fail_fast) return MalformedAvro();
      ARROW_RETURN_NOT_OK(decoder.AppendAllNullFields());
    }
    Place(index);
    return arrow::Status::OK();
  }

  // NULL values, and malformed ones in PERMISSIVE mode (`all_null_fields`).
  arrow::Status AppendNull(bool all_null_fields) {
    if (null_decoder_ < 0) {
      ARROW_ASSIGN_OR_RAISE(auto decoder, AvroDecoder::Make(s_.reader, s_.type));
      null_decoder_ = Add(std::move(decoder));
    }
    AvroDecoder& d = *decoders_[null_decoder_];
    ARROW_RETURN_NOT_OK(all_null_fields ? d.AppendAllNullFields() : d.AppendNull());
    Place(null_decoder_);
    return arrow::Status::OK();
  }

  // The rows in their input order.
  arrow::Result<std::shared_ptr<arrow::Array>> Finish(int64_t num_rows) {
    if (decoders_.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto decoder, AvroDecoder::Make(s_.reader, s_.type));
      return decoder->Finish();
    }
    arrow::ArrayVector parts;
    std::vector<int64_t> offsets;
    int64_t offset = 0;
    for (const auto& decoder : decoders_) {
      ARROW_ASSIGN_OR_RAISE(auto part, decoder->Finish());
      if (part->length() == num_rows) return part;  // every row came from one decoder, in order
      offsets.push_back(offset);
      offset += part->length();
      parts.push_back(std::move(part));
    }
    ARROW_ASSIGN_OR_RAISE(auto all, arrow::Concatenate(parts));
    arrow::Int64Builder indices;
    ARROW_RETURN_NOT_OK(indices.Reserve(num_rows));
    for (const auto& [decoder, row] : placed_) indices.UnsafeAppend(offsets[decoder] + row);
    ARROW_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
    ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(all, index_array));
    return taken.make_array();
  }

 private:
  int Add(std::unique_ptr<AvroDecoder> decoder) {
    decoders_.push_back(std::move(decoder));
    rows_.push_back(0);
    return static_cast<int>(decoders_.size() - 1);
  }
  void Place(int decoder) { placed_.emplace_back(decoder, rows_[decoder]++); }

  const RegistryReadSettings& s_;
  std::vector<std::unique_ptr<AvroDecoder>> decoders_;
  std::vector<int64_t> rows_;  // rows appended per decoder
  std::map<int64_t, int> decoder_of_id_;
  int null_decoder_ = -1;
  std::vector<std::pair<int, int64_t>> placed_;  // (decoder, its row) per input row
};

arrow::Result<arrow::Datum> FromAvroWithRegistry(const FunctionArgs& a, const RegistryReadSettings& s) {
  std::shared_ptr<arrow::Array> input;
  if (a.values[0].is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(input, arrow::MakeArrayFromScalar(*a.values[0].scalar(), a.num_rows));
  } else {
    input = a.values[0].make_array();
  }
  RegistryBatchDecoder out(s);
  for (int64_t row = 0; row < a.num_rows; ++row) {
    if (input->IsNull(row)) {
      ARROW_RETURN_NOT_OK(out.AppendNull(false));
      continue;
    }
    std::string_view value = static_cast<const arrow::BinaryArray&>(*input).GetView(row);
    const auto* data = reinterpret_cast<const uint8_t*>(value.data());
    int64_t id = RegistrySchemaId(data, value.size());
    if (id < 0 && s.read.fail_fast) {
      return MalformedAvro("the value does not start with the schema registry's wire format header "
                           "(magic byte 0 and a 4-byte schema id).");
    }
    int decoder = -1;
    if (id >= 0) {
      ARROW_ASSIGN_OR_RAISE(decoder, out.ForId(id));
    }
    if (decoder < 0) {
      ARROW_RETURN_NOT_OK(out.AppendNull(true));
      continue;
    }
    ARROW_RETURN_NOT_OK(out.Append(decoder, data + kRegistryHeaderSize, data + value.size()));
  }
  ARROW_ASSIGN_OR_RAISE(auto array, out.Finish(a.num_rows));
  return arrow::Datum(array);
}

// subject and schemaRegistryAddress, both required in the registry form.
arrow::Status CheckRegistryOptions(const Options& options) {
  for (const char* key : {"subject", "schemaRegistryAddress"}) {
    if (OptionOr(options, key, "").empty()) {
      return arrow::Status::Invalid(fmt::format(
          "The schema-registry form of from_avro / to_avro needs both subject and schemaRegistryAddress; "
          "{} is missing.", key));
    }
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<SchemaRegistryClient>> MakeClient(const Options& options) {
  ARROW_RETURN_NOT_OK(CheckRegistryOptions(options));
  ARROW_ASSIGN_OR_RAISE(auto client, SchemaRegistryClient::Make(OptionOr(options, "schemaRegistryAddress", ""),
                                                                options));
  return std::make_shared<SchemaRegistryClient>(std::move(client));
}

}  // namespace

arrow::Result<BoundExprPtr> BindFromAvroWithRegistry(const std::string& name, std::vector<BoundExprPtr> args,
                                                     const std::string& json_format_schema,
                                                     const Options& options, const std::string& pretty) {
  RegistryReadSettings s;
  ARROW_ASSIGN_OR_RAISE(s.client, MakeClient(options));
  s.subject = OptionOr(options, "subject", "");
  ARROW_ASSIGN_OR_RAISE(s.read, ReadAvroOptions(options));
  std::string mode = AsciiLower(OptionOr(options, "avroSchemaEvolutionMode", "none"));
  if (mode != "none" && mode != "restart") {
    return arrow::Status::Invalid(fmt::format(
        "Invalid value for option 'avroSchemaEvolutionMode': '{}' (expected 'none' or 'restart').",
        OptionOr(options, "avroSchemaEvolutionMode", "")));
  }
  s.restart_on_new_schema = mode == "restart";
  std::string reader_text = json_format_schema;
  if (reader_text.empty()) {
    ARROW_ASSIGN_OR_RAISE(RegisteredSchema latest, s.client->LatestSchema(s.subject));
    reader_text = latest.schema;
    s.reader_id = latest.id;
  }
  ARROW_ASSIGN_OR_RAISE(s.reader, ParseAvroSchema(reader_text, s.read.max_depth));
  s.type = AvroToSparkType(*s.reader, s.read.type_options).type;
  if (s.reader->kind == AvroKind::kUnion && s.type->id() == TypeId::kStruct) {
    return arrow::Status::Invalid(
        "Attempting to treat a union of several types as a RECORD, but it was: UNION (wrap the "
        "union in a record to read it with from_avro)");
  }
  if (!s.read.fail_fast) s.type = AsNullable(s.type);
  ARROW_RETURN_NOT_OK(AvroDecoder::Make(s.reader, s.type).status());
  auto settings = std::make_shared<RegistryReadSettings>(std::move(s));
  auto impl = [settings](const FunctionArgs& a) { return FromAvroWithRegistry(a, *settings); };
  DataTypePtr type = settings->type;
  args.resize(1);
  return MakeFunction(name, impl, type, std::move(args), pretty, true);
}

arrow::Result<BoundExprPtr> BindToAvroWithRegistry(const std::string& name, std::vector<BoundExprPtr> args,
                                                   const std::string& schema_text, const Options& options,
                                                   const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(auto client, MakeClient(options));
  ARROW_ASSIGN_OR_RAISE(auto schema, ParseAvroSchema(schema_text));
  ARROW_ASSIGN_OR_RAISE(auto encoder, AvroEncoder::Make(schema, args[0]->type()));
  ARROW_ASSIGN_OR_RAISE(int32_t id, client->RegisteredId(OptionOr(options, "subject", ""), schema_text));
  std::shared_ptr<AvroEncoder> shared(std::move(encoder));
  auto impl = [shared, id](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::shared_ptr<arrow::Array> input;
    if (a.values[0].is_scalar()) {
      ARROW_ASSIGN_OR_RAISE(input, arrow::MakeArrayFromScalar(*a.values[0].scalar(), a.num_rows));
    } else {
      input = a.values[0].make_array();
    }
    arrow::BinaryBuilder out;
    std::string value;
    AvroEncoder::Input bound = shared->Bind(*input);
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (input->IsNull(row)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      value.clear();
      AppendRegistryHeader(id, &value);
      ARROW_RETURN_NOT_OK(shared->Encode(bound, row, &value));
      ARROW_RETURN_NOT_OK(out.Append(value));
    }
    ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
    return arrow::Datum(array);
  };
  args.resize(1);
  return MakeFunction(name, impl, types::Binary(), std::move(args), pretty);
}

}  // namespace spate
