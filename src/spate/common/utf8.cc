#include "spate/common/utf8.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/table.h>
#include <arrow/util/utf8.h>

namespace spate {

namespace {

// The length of the valid UTF-8 sequence at text[i], or 0 when there is none; in
// that case *skip is the length of the maximal subpart to replace (at least 1).
size_t ValidSequence(std::string_view text, size_t i, size_t* skip) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  *skip = 1;
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  for (size_t k = 1; k < length; ++k) {
    if (i + k >= text.size()) return 0;
    unsigned char b = byte(i + k);
    bool ok = k == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF);
    if (!ok) return 0;
    *skip = k + 1;
  }
  return length;
}

bool IsValid(std::string_view text) {
  static const bool initialized = [] {
    arrow::util::InitializeUTF8();
    return true;
  }();
  (void)initialized;
  return arrow::util::ValidateUTF8(text);
}

bool IsContinuationByte(uint8_t byte) { return (byte & 0xC0) == 0x80; }

// Whether every string of `strings` is valid UTF-8 by itself: their bytes
// together are, and no string starts inside another's character (as "\xC3"
// followed by "\xA9" would, which together read "é").
bool EachStringValid(const arrow::StringArray& strings) {
  if (strings.length() == 0) return true;
  const int32_t* offsets = strings.raw_value_offsets();
  const uint8_t* bytes = strings.raw_data();
  int32_t begin = offsets[0], end = offsets[strings.length()];
  if (!IsValid(std::string_view(reinterpret_cast<const char*>(bytes) + begin, end - begin))) return false;
  for (int64_t i = 1; i < strings.length(); ++i) {
    if (offsets[i] < end && IsContinuationByte(bytes[offsets[i]])) return false;
  }
  return true;
}

arrow::Result<std::shared_ptr<arrow::Array>> ReplaceInStrings(const arrow::StringArray& strings) {
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(strings.length()));
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
    } else {
      std::string_view value = strings.GetView(i);
      ARROW_RETURN_NOT_OK(IsValid(value) ? builder.Append(value)
                                         : builder.Append(ReplaceInvalidUtf8(value)));
    }
  }
  return builder.Finish();
}

}  // namespace

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  size_t skip;
  size_t length = ValidSequence(text, i, &skip);
  return length > 0 ? length : 1;
}

std::string ReplaceInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t skip;
    size_t length = ValidSequence(text, i, &skip);
    if (length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out.append("\xEF\xBF\xBD");  // U+FFFD
      i += skip;
    }
  }
  return out;
}

arrow::Result<std::shared_ptr<arrow::Array>> ReplaceInvalidUtf8(const std::shared_ptr<arrow::Array>& array) {
  switch (array->type_id()) {
    case arrow::Type::STRING: {
      const auto& strings = static_cast<const arrow::StringArray&>(*array);
      return EachStringValid(strings) ? array : ReplaceInStrings(strings);
    }
    case arrow::Type::STRUCT:
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::FIXED_SIZE_LIST:
    case arrow::Type::MAP: {
      // The children as stored (offsets and validity stay the parent's).
      auto data = array->data()->Copy();
      bool changed = false;
      for (auto& child : data->child_data) {
        auto child_array = arrow::MakeArray(child);
        ARROW_ASSIGN_OR_RAISE(auto replaced, ReplaceInvalidUtf8(child_array));
        if (replaced != child_array) {
          child = replaced->data();
          changed = true;
        }
      }
      return changed ? arrow::MakeArray(data) : array;
    }
    default:
      return array;
  }
}

arrow::Result<std::shared_ptr<arrow::Table>> ReplaceInvalidUtf8(const std::shared_ptr<arrow::Table>& table) {
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  bool changed = false;
  for (const auto& column : table->columns()) {
    arrow::ArrayVector chunks;
    for (const auto& chunk : column->chunks()) {
      ARROW_ASSIGN_OR_RAISE(auto replaced, ReplaceInvalidUtf8(chunk));
      changed = changed || replaced != chunk;
      chunks.push_back(std::move(replaced));
    }
    columns.push_back(std::make_shared<arrow::ChunkedArray>(std::move(chunks), column->type()));
  }
  if (!changed) return table;
  return arrow::Table::Make(table->schema(), std::move(columns), table->num_rows());
}

}  // namespace spate
