// from_avro and to_avro, as spark-avro's AvroDataToCatalyst and
// CatalystDataToAvro: plain Avro binary (no container header, no
// schema-registry prefix) <-> the Spark type of the schema. Their
// schema-registry form is in functions_avro_registry.cc.


#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/avro_codec.h"
#include "spate/expr/avro_functions_internal.h"
#include "spate/expr/function_options.h"
#include "spate/expr/function_registry.h"
#include "spate/types/avro_schema.h"

namespace spate {

arrow::Status MalformedAvro(const std::string& cause) {
  std::string message =
      "Malformed records are detected in record parsing. Current parse Mode: FAILFAST. To "
      "process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.";
  return arrow::Status::ExecutionError(cause.empty() ? message : message + " Cause: " + cause);
}

DataTypePtr AsNullable(const DataTypePtr& type) {
  switch (type->id()) {
    case TypeId::kArray:
      return types::Array(AsNullable(static_cast<const ArrayType&>(*type).element_type()), true);
    case TypeId::kMap: {
      const auto& m = static_cast<const MapType&>(*type);
      return types::Map(AsNullable(m.key_type()), AsNullable(m.value_type()), true);
    }
    case TypeId::kStruct: {
      std::vector<StructField> fields = static_cast<const StructType&>(*type).fields();
      for (auto& f : fields) {
        f.type = AsNullable(f.type);
        f.nullable = true;
      }
      return types::Struct(std::move(fields));
    }
    default:
      return type;
  }
}

bool UsesSchemaRegistry(const Options& options) {
  return options.count("subject") > 0 || options.count("schemaregistryaddress") > 0;
}

namespace {

arrow::Result<std::string> SchemaText(const BoundExpr& arg, const std::string& function) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr || !value->is_valid || value->type->id() != arrow::Type::STRING) {
    return arrow::Status::Invalid(
        fmt::format("The schema argument of {} must be a constant string (the Avro schema as JSON).", function));
  }
  return static_cast<const arrow::StringScalar&>(*value).ToString();
}

// Whether an option's value is a credential, left out of names (Spark's redaction
// pattern, and the registry's user info).
bool IsSecretOption(std::string_view key) {
  std::string k = AsciiLower(key);
  for (const char* word : {"secret", "password", "token", "user.info"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

// The options argument as Spark prints it in the column name: map(k1, v1, ...),
// credentials redacted.
std::string OptionsName(const BoundExpr& arg) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr || value->type->id() != arrow::Type::MAP || !value->is_valid) return arg.name();
  const auto& entries = static_cast<const arrow::StructArray&>(*static_cast<const arrow::MapScalar&>(*value).value);
  const auto& keys = static_cast<const arrow::StringArray&>(*entries.field(0));
  const auto& values = static_cast<const arrow::StringArray&>(*entries.field(1));
  std::vector<std::string> parts;
  for (int64_t i = 0; i < entries.length(); ++i) {
    parts.emplace_back(keys.GetView(i));
    if (IsSecretOption(keys.GetView(i))) {
      parts.emplace_back("*********(redacted)");
    } else {
      parts.emplace_back(values.IsNull(i) ? "NULL" : std::string(values.GetView(i)));
    }
  }
  return fmt::format("map({})", fmt::join(parts, ", "));
}

struct FromAvroSettings {
  AvroSchemaPtr schema, reader;
  DataTypePtr type;
  bool fail_fast = true;
};

arrow::Result<arrow::Datum> FromAvro(const FunctionArgs& a, const FromAvroSettings& s) {
  ARROW_ASSIGN_OR_RAISE(auto decoder, AvroDecoder::Make(s.schema, s.type, s.reader));
  std::shared_ptr<arrow::Array> input;
  if (a.values[0].is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(input, arrow::MakeArrayFromScalar(*a.values[0].scalar(), a.num_rows));
  } else {
    input = a.values[0].make_array();
  }
  if (input->type_id() == arrow::Type::NA) {
    for (int64_t row = 0; row < a.num_rows; ++row) ARROW_RETURN_NOT_OK(decoder->AppendNull());
    return decoder->Finish();
  }
  const auto& bytes = static_cast<const arrow::BinaryArray&>(*input);
  for (int64_t row = 0; row < a.num_rows; ++row) {
    if (bytes.IsNull(row)) {
      ARROW_RETURN_NOT_OK(decoder->AppendNull());
      continue;
    }
    std::string_view datum = bytes.GetView(row);
    const auto* pos = reinterpret_cast<const uint8_t*>(datum.data());
    ARROW_ASSIGN_OR_RAISE(bool ok, decoder->Append(&pos, pos + datum.size()));
    if (ok) continue;
    if (s.fail_fast) return MalformedAvro();
    ARROW_RETURN_NOT_OK(decoder->AppendAllNullFields());
  }
  return decoder->Finish();
}

}  // namespace

arrow::Result<AvroReadOptions> ReadAvroOptions(const Options& options) {
  AvroReadOptions out;
  ARROW_ASSIGN_OR_RAISE(out.max_depth, ParseRecursiveFieldMaxDepth(OptionOr(options, "recursiveFieldMaxDepth", "-1")));
  std::string mode = AsciiUpper(OptionOr(options, "mode", "FAILFAST"));
  if (mode == "DROPMALFORMED") {
    return SparkError("PARSE_MODE_UNSUPPORTED", "42601",
                      fmt::format("The function `from_avro` doesn't support the {} mode. "
                                  "Acceptable modes are PERMISSIVE and FAILFAST.",
                                  OptionOr(options, "mode", "")));
  }
  out.fail_fast = mode == "FAILFAST";
  out.type_options.stable_union_ids =
      AsciiLower(OptionOr(options, "enableStableIdentifiersForUnionType", "false")) == "true";
  out.type_options.union_prefix = OptionOr(options, "stableIdentifierPrefixForUnionType", "member_");
  return out;
}

namespace {

// Whether the argument is absent or a NULL literal.
bool AbsentOrNull(const std::vector<BoundExprPtr>& args, size_t index) {
  if (args.size() <= index) return true;
  const arrow::Scalar* value = ConstantValue(*args[index]);
  return value != nullptr && !value->is_valid;
}

// from_avro(data, jsonFormatSchema [, options]); with a schema registry in the
// options, jsonFormatSchema may be NULL (the subject's latest schema is read).
arrow::Result<BoundExprPtr> BindFromAvro(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string&) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  std::string options_name = args.size() > 2 ? OptionsName(*args[2]) : "NULL";
  std::string text;
  bool schema_given = !AbsentOrNull(args, 1);
  if (schema_given) {
    ARROW_ASSIGN_OR_RAISE(text, SchemaText(*args[1], name));
  }
  std::string pretty = fmt::format("from_avro({}, {}, {})", args[0]->name(), schema_given ? text : "NULL",
                                   options_name);
  TypeId input = args[0]->type()->id();
  if (input != TypeId::kBinary && input != TypeId::kNull) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The first parameter requires the \"BINARY\" type, however "
                                        "\"{}\" has the type {}",
                                        args[0]->name(), QuotedType(*args[0]->type())));
  }
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 2, pretty));
  if (UsesSchemaRegistry(options)) {
    return BindFromAvroWithRegistry(name, std::move(args), text, options, pretty);
  }
  if (!schema_given) return SchemaText(*args[1], name).status();  // the schema is required
  ARROW_ASSIGN_OR_RAISE(AvroReadOptions read, ReadAvroOptions(options));
  FromAvroSettings settings;
  settings.fail_fast = read.fail_fast;
  ARROW_ASSIGN_OR_RAISE(settings.schema, ParseAvroSchema(text, read.max_depth));
  // avroSchema: the (evolved) schema to read the datums as; jsonFormatSchema is the writer's.
  std::string reader_schema = OptionOr(options, "avroSchema", "");
  if (!reader_schema.empty()) {
    ARROW_ASSIGN_OR_RAISE(settings.reader, ParseAvroSchema(reader_schema, read.max_depth));
  }
  settings.type = AvroToSparkType(settings.reader ? *settings.reader : *settings.schema, read.type_options).type;
  if (settings.schema->kind == AvroKind::kUnion && settings.type->id() == TypeId::kStruct) {
    // spark-avro reads a struct only from a record: a top-level union of several types fails.
    return arrow::Status::Invalid(
        "Attempting to treat a union of several types as a RECORD, but it was: UNION (wrap the "
        "union in a record to read it with from_avro)");
  }
  if (!settings.fail_fast) settings.type = AsNullable(settings.type);
  ARROW_RETURN_NOT_OK(AvroDecoder::Make(settings.schema, settings.type, settings.reader).status());
  auto impl = [settings](const FunctionArgs& a) { return FromAvro(a, settings); };
  DataTypePtr type = settings.type;
  return MakeFunction(name, impl, type, std::move(args), pretty, true);
}

arrow::Result<arrow::Datum> ToAvro(const FunctionArgs& a, const std::shared_ptr<AvroEncoder>& encoder) {
  std::shared_ptr<arrow::Array> input;
  if (a.values[0].is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(input, arrow::MakeArrayFromScalar(*a.values[0].scalar(), a.num_rows));
  } else {
    input = a.values[0].make_array();
  }
  arrow::BinaryBuilder out;
  std::string datum;
  AvroEncoder::Input bound = encoder->Bind(*input);
  for (int64_t row = 0; row < a.num_rows; ++row) {
    if (input->IsNull(row)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    datum.clear();
    ARROW_RETURN_NOT_OK(encoder->Encode(bound, row, &datum));
    ARROW_RETURN_NOT_OK(out.Append(datum));
  }
  ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
  return arrow::Datum(array);
}

// to_avro(data [, jsonFormatSchema [, options [, subject]]]); with a schema registry in
// the options, the values get the registry's wire format. The fourth argument is
// Databricks' subject given as a column: a constant string.
arrow::Result<BoundExprPtr> BindToAvro(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string&) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 4));
  std::string text;
  bool given = !AbsentOrNull(args, 1);
  if (given) {
    ARROW_ASSIGN_OR_RAISE(text, SchemaText(*args[1], name));
  } else {
    ARROW_ASSIGN_OR_RAISE(text, SparkTypeToAvroJson(*args[0]->type(), args[0]->nullable(),
                                                    "topLevelRecord", ""));
  }
  std::string pretty = fmt::format("to_avro({}, {})", args[0]->name(), given ? text : "NULL");
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 2, pretty));
  if (args.size() == 4) {
    ARROW_ASSIGN_OR_RAISE(options["subject"], FoldableText(*args[3], "subject", pretty));
  }
  if (UsesSchemaRegistry(options)) {
    return BindToAvroWithRegistry(name, std::move(args), text, options, pretty);
  }
  ARROW_ASSIGN_OR_RAISE(auto schema, ParseAvroSchema(text));
  ARROW_ASSIGN_OR_RAISE(auto encoder, AvroEncoder::Make(schema, args[0]->type()));
  std::shared_ptr<AvroEncoder> shared(std::move(encoder));
  auto impl = [shared](const FunctionArgs& a) { return ToAvro(a, shared); };
  args.resize(1);
  return MakeFunction(name, impl, types::Binary(), std::move(args), pretty);
}

}  // namespace

void RegisterAvroFunctions(FunctionRegistry& r) {
  r.Add("from_avro", BindFromAvro);
  r.Add("to_avro", BindToAvro);
}

}  // namespace spate
