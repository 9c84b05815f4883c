#include "spate/expr/text_value_formats.h"

#include <arrow/api.h>

#include "spate/types/arrow_types.h"

namespace spate {

arrow::Result<TextValueFormats> TextValueFormats::Make(const Options& options) {
  TextValueFormats f;
  auto pattern = [&](const char* name, std::optional<DatetimePattern>* out) -> arrow::Status {
    std::string text = OptionOr(options, name, "");
    if (text.empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(*out, DatetimePattern::Make(text));
    return arrow::Status::OK();
  };
  ARROW_RETURN_NOT_OK(pattern("dateFormat", &f.date));
  ARROW_RETURN_NOT_OK(pattern("timestampFormat", &f.timestamp));
  ARROW_RETURN_NOT_OK(pattern("timestampNTZFormat", &f.timestamp_ntz));
  f.decimal = LocaleDecimalParser::ForLanguageTag(OptionOr(options, "locale", "en-US"));
  return f;
}

const DatetimePattern* TextValueFormats::PatternFor(const DataType& type) const {
  const std::optional<DatetimePattern>* p = nullptr;
  switch (type.id()) {
    case TypeId::kDate:
      p = &date;
      break;
    case TypeId::kTimestamp:
      p = &timestamp;
      break;
    case TypeId::kTimestampNtz:
      p = &timestamp_ntz;
      break;
    default:
      return nullptr;
  }
  return *p ? &**p : nullptr;
}

arrow::Result<std::shared_ptr<arrow::Array>> TextValueFormats::ReadDatetimes(
    const std::vector<std::optional<std::string>>& texts, const DataType& type, const std::string& tz) const {
  const DatetimePattern* pattern = PatternFor(type);
  if (pattern == nullptr) return nullptr;
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), arrow_type, &builder));
  for (const auto& text : texts) {
    if (type.id() == TypeId::kDate) {
      auto days = text ? pattern->ParseDate(*text) : std::nullopt;
      auto& dates = static_cast<arrow::Date32Builder&>(*builder);
      ARROW_RETURN_NOT_OK(days ? dates.Append(*days) : dates.AppendNull());
      continue;
    }
    std::optional<int64_t> micros;
    if (text) {
      ARROW_ASSIGN_OR_RAISE(micros, pattern->ParseTimestamp(*text, tz, type.id() == TypeId::kTimestampNtz));
    }
    auto& stamps = static_cast<arrow::TimestampBuilder&>(*builder);
    ARROW_RETURN_NOT_OK(micros ? stamps.Append(*micros) : stamps.AppendNull());
  }
  return builder->Finish();
}

void TextValueFormats::ReadDecimals(std::vector<std::optional<std::string>>* texts) const {
  for (auto& v : *texts) {
    if (v) v = decimal.Plain(*v);
  }
}

arrow::Result<std::shared_ptr<arrow::Array>> StringArray(const std::vector<std::optional<std::string>>& texts) {
  arrow::StringBuilder builder;
  for (const auto& t : texts) ARROW_RETURN_NOT_OK(t ? builder.Append(*t) : builder.AppendNull());
  return builder.Finish();
}

}  // namespace spate
