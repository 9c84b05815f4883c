// XML text functions: from_xml (one XML record into a struct, xml_reader.h),
// schema_of_xml (Spark's XML schema inference on a constant document,
// xml_infer.h) and to_xml (a struct as one XML record, xml_writer.h). Options
// are read as the JSON functions read theirs.

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/parse_mode.h"
#include "spate/expr/function_options.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/xml_infer.h"
#include "spate/expr/xml_reader.h"
#include "spate/expr/xml_tree.h"
#include "spate/expr/xml_writer.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

bool BoolOption(const Options& options, const std::string& key, bool fallback) {
  std::string v = AsciiLower(OptionOr(options, key, fallback ? "true" : "false"));
  return v == "true";
}

// The option `key`, which must not be empty (Spark's requirement).
arrow::Result<std::string> NonEmptyOption(const Options& options, const std::string& key, std::string fallback) {
  std::string v = OptionOr(options, key, std::move(fallback));
  if (v.empty()) {
    return arrow::Status::Invalid(fmt::format("requirement failed: '{}' option should not be empty string.", key));
  }
  return v;
}

arrow::Status RequireType(const BoundExpr& arg, TypeId id, const char* expected, const std::string& pretty) {
  if (arg.type()->id() == id) return arrow::Status::OK();
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The first parameter requires the {} type, however \"{}\" has the type {}",
                                      expected, arg.name(), QuotedType(*arg.type())));
}

// The parse mode of from_xml / schema_of_xml: PERMISSIVE or FAILFAST.
arrow::Result<ParseMode> ModeOption(const std::string& name, const Options& options) {
  ParseMode mode = ParseModeOf(OptionOr(options, "mode", "PERMISSIVE"));
  if (mode == ParseMode::kDropMalformed) {
    return SparkError("PARSE_MODE_UNSUPPORTED", "42601",
                      fmt::format("The function `{}` doesn't support the {} mode. "
                                  "Acceptable modes are PERMISSIVE and FAILFAST.",
                                  name, OptionOr(options, "mode", "")));
  }
  return mode;
}

// from_xml(xml, schema[, options]): the record's fields as the schema's
// struct. A record that is not well-formed, or whose text does not convert,
// is malformed: PERMISSIVE keeps what converted (all NULL for bad XML) and
// puts the text in the corrupt-record field when the schema has one;
// FAILFAST raises MALFORMED_RECORD_IN_PARSING.
arrow::Result<BoundExprPtr> BindFromXml(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  if (args[0]->type()->id() != TypeId::kNull) {
    ARROW_RETURN_NOT_OK(RequireType(*args[0], TypeId::kString, "\"STRING\"", pretty));
  }
  args[0] = ImplicitCast(args[0], types::String());
  ARROW_ASSIGN_OR_RAISE(DataTypePtr schema, SchemaArgument(*args[1]));
  if (schema->id() != TypeId::kStruct) {
    return DataTypeMismatch("INVALID_XML_SCHEMA", pretty,
                            fmt::format("Input schema {} must be a struct or a variant", QuotedType(*schema)));
  }
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 2, pretty));
  ARROW_ASSIGN_OR_RAISE(ParseMode mode, ModeOption(name, options));
  XmlReadOptions read;
  read.attribute_prefix = OptionOr(options, "attributePrefix", "_");
  ARROW_ASSIGN_OR_RAISE(read.value_tag, NonEmptyOption(options, "valueTag", "_VALUE"));
  read.exclude_attributes = BoolOption(options, "excludeAttribute", false);
  read.ignore_surrounding_spaces = BoolOption(options, "ignoreSurroundingSpaces", true);
  auto type = std::static_pointer_cast<const StructType>(schema);
  int corrupt = type->FieldIndex(OptionOr(options, "columnNameOfCorruptRecord", "_corrupt_record"));
  if (corrupt >= 0 && type->field(corrupt).type->id() != TypeId::kString) corrupt = -1;
  // The corrupt-record field is filled here, not from the document.
  std::vector<StructField> read_fields = type->fields();
  if (corrupt >= 0) read_fields.erase(read_fields.begin() + corrupt);
  auto read_type = types::Struct(read_fields);
  auto impl = [type, read_type, read, mode, corrupt](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::shared_ptr<arrow::Array> input;
    if (a.values[0].is_array()) {
      input = a.values[0].make_array();
    } else {
      ARROW_ASSIGN_OR_RAISE(input, arrow::MakeArrayFromScalar(*a.values[0].scalar(), a.num_rows));
    }
    const auto& texts = static_cast<const arrow::StringArray&>(*input);
    XmlReadOptions options = read;
    options.time_zone = a.ctx.format.time_zone;
    ARROW_ASSIGN_OR_RAISE(auto read_arrow_type, ToArrowType(*read_type));
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), read_arrow_type, &builder));
    auto* out = static_cast<arrow::StructBuilder*>(builder.get());
    arrow::StringBuilder corrupt_texts;
    for (int64_t i = 0; i < texts.length(); ++i) {
      if (texts.IsNull(i)) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        ARROW_RETURN_NOT_OK(corrupt_texts.AppendNull());
        continue;
      }
      std::string_view text = texts.GetView(i);
      auto root = ParseXmlElement(text);
      bool ok = false;
      if (root.ok()) {
        ARROW_ASSIGN_OR_RAISE(ok, AppendXmlRecord(*root, *read_type, options, out));
      } else {
        ARROW_RETURN_NOT_OK(out->Append());
        for (int f = 0; f < out->num_fields(); ++f) ARROW_RETURN_NOT_OK(out->field_builder(f)->AppendNull());
      }
      if (!ok && mode == ParseMode::kFailFast) return MalformedRecordError(text);
      ARROW_RETURN_NOT_OK(ok ? corrupt_texts.AppendNull() : corrupt_texts.Append(text));
    }
    ARROW_ASSIGN_OR_RAISE(auto built, builder->Finish());
    if (corrupt < 0) return arrow::Datum(built);
    // The corrupt-record column goes back in its place among the fields.
    const auto& record = static_cast<const arrow::StructArray&>(*built);
    arrow::ArrayVector children = record.fields();
    ARROW_ASSIGN_OR_RAISE(auto corrupt_array, corrupt_texts.Finish());
    children.insert(children.begin() + corrupt, corrupt_array);
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
    ARROW_ASSIGN_OR_RAISE(auto result, arrow::StructArray::Make(children, arrow_type->fields(), record.null_bitmap_data() ? record.data()->buffers[0] : nullptr, record.null_count()));
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, schema, std::move(args), pretty, true);
}

// schema_of_xml(xml[, options]): the DDL of the schema Spark infers from the
// constant document; a malformed one is STRUCT<_corrupt_record: STRING>
// (FAILFAST: MALFORMED_RECORD_IN_PARSING).
arrow::Result<BoundExprPtr> BindSchemaOfXml(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  if (args[0]->type()->id() != TypeId::kNull) {
    ARROW_RETURN_NOT_OK(RequireType(*args[0], TypeId::kString, "\"STRING\"", pretty));
  }
  ARROW_ASSIGN_OR_RAISE(std::string text, FoldableText(*args[0], "xml", pretty));
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 1, pretty));
  ARROW_ASSIGN_OR_RAISE(ParseMode mode, ModeOption(name, options));
  XmlInferOptions infer;
  infer.attribute_prefix = OptionOr(options, "attributePrefix", "_");
  ARROW_ASSIGN_OR_RAISE(infer.value_tag, NonEmptyOption(options, "valueTag", "_VALUE"));
  infer.exclude_attributes = BoolOption(options, "excludeAttribute", false);
  infer.infer_types = BoolOption(options, "inferSchema", true);
  infer.prefers_decimal = BoolOption(options, "prefersDecimal", false);
  infer.ignore_surrounding_spaces = BoolOption(options, "ignoreSurroundingSpaces", true);
  std::string corrupt = OptionOr(options, "columnNameOfCorruptRecord", "_corrupt_record");
  auto root = ParseXmlElement(text);
  DataTypePtr schema;
  if (root.ok()) {
    schema = InferXmlSchema(*root, infer);
  } else if (mode == ParseMode::kFailFast) {
    return MalformedRecordError(corrupt);
  } else {
    schema = types::Struct({{corrupt, types::String(), true}});
  }
  auto scalar = std::make_shared<arrow::StringScalar>(schema->Sql());
  auto impl = [scalar](const FunctionArgs&) -> arrow::Result<arrow::Datum> { return arrow::Datum(scalar); };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, /*nullable=*/false);
}

// to_xml(struct[, options]): each row as one XML record (NULL for a NULL struct).
arrow::Result<BoundExprPtr> BindToXml(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  ARROW_RETURN_NOT_OK(RequireType(*args[0], TypeId::kStruct, "\"STRUCT\"", pretty));
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 1, pretty));
  XmlWriteOptions write;
  ARROW_ASSIGN_OR_RAISE(write.row_tag, NonEmptyOption(options, "rowTag", "ROW"));
  write.attribute_prefix = OptionOr(options, "attributePrefix", "_");
  ARROW_ASSIGN_OR_RAISE(write.value_tag, NonEmptyOption(options, "valueTag", "_VALUE"));
  write.array_element_name = OptionOr(options, "arrayElementName", "item");
  write.indent = OptionOr(options, "indent", "    ");
  if (auto it = options.find("nullvalue"); it != options.end()) {
    write.has_null_value = true;
    write.null_value = it->second;
  }
  auto type = std::static_pointer_cast<const StructType>(args[0]->type());
  auto impl = [type, write](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::shared_ptr<arrow::Array> rows;
    if (a.values[0].is_array()) {
      rows = a.values[0].make_array();
    } else {
      ARROW_ASSIGN_OR_RAISE(rows, arrow::MakeArrayFromScalar(*a.values[0].scalar(), a.num_rows));
    }
    XmlWriteOptions options = write;
    options.time_zone = a.ctx.format.time_zone;
    arrow::StringBuilder out;
    std::string text;
    for (int64_t i = 0; i < rows->length(); ++i) {
      if (rows->IsNull(i)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      text.clear();
      ARROW_RETURN_NOT_OK(WriteXmlRow(*rows, i, *type, options, &text));
      ARROW_RETURN_NOT_OK(out.Append(text));
    }
    ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
    return arrow::Datum(array);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

}  // namespace

void RegisterXmlFunctions(FunctionRegistry& r) {
  r.Add("from_xml", BindFromXml);
  r.Add("schema_of_xml", BindSchemaOfXml);
  r.Add("to_xml", BindToXml);
}

}  // namespace spate
