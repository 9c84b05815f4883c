#include "spate/streaming/progress.h"

#include <cmath>
#include <ctime>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/expr/value_format.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

using Value = rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

Value Str(const std::string& s, Alloc& a) { return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

// Spark writes NaN and infinities as null.
Value Num(double d) {
  Value v;
  if (std::isfinite(d)) v.SetDouble(d);
  return v;
}

Value Parsed(const std::optional<std::string>& json, Alloc& a) {
  Value v;
  if (!json) return v;
  rapidjson::Document doc;
  doc.Parse(json->c_str());
  if (doc.HasParseError()) return Str(*json, a);
  v.CopyFrom(doc, a);
  return v;
}

void Add(Value& obj, const char* key, Value v, Alloc& a) {
  obj.AddMember(Value(key, a), v, a);
}

// Java's Double.toString for doubles; integers as written.
void WriteScalar(const Value& v, std::string* out) {
  if (v.IsNull()) {
    *out += "null";
  } else if (v.IsBool()) {
    *out += v.GetBool() ? "true" : "false";
  } else if (v.IsString()) {
    AppendJsonString(std::string_view(v.GetString(), v.GetStringLength()), out);
  } else if (v.IsInt64()) {
    *out += std::to_string(v.GetInt64());
  } else if (v.IsUint64()) {
    *out += std::to_string(v.GetUint64());
  } else {
    *out += JavaDoubleString(v.GetDouble());
  }
}

void WriteCompact(const Value& v, std::string* out) {
  if (v.IsObject()) {
    *out += '{';
    bool first = true;
    for (const auto& m : v.GetObject()) {
      if (!first) *out += ',';
      first = false;
      AppendJsonString(std::string_view(m.name.GetString(), m.name.GetStringLength()), out);
      *out += ':';
      WriteCompact(m.value, out);
    }
    *out += '}';
  } else if (v.IsArray()) {
    *out += '[';
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      if (i > 0) *out += ',';
      WriteCompact(v[i], out);
    }
    *out += ']';
  } else {
    WriteScalar(v, out);
  }
}

// Jackson's default pretty printer: two-space indents, "key" : value,
// arrays as [ {...}, {...} ] and empty containers as { } and [ ].
void WritePretty(const Value& v, int indent, std::string* out) {
  std::string pad(indent, ' ');
  if (v.IsObject()) {
    if (v.MemberCount() == 0) {
      *out += "{ }";
      return;
    }
    *out += "{\n";
    bool first = true;
    for (const auto& m : v.GetObject()) {
      if (!first) *out += ",\n";
      first = false;
      *out += pad + "  ";
      AppendJsonString(std::string_view(m.name.GetString(), m.name.GetStringLength()), out);
      *out += " : ";
      WritePretty(m.value, indent + 2, out);
    }
    *out += "\n" + pad + "}";
  } else if (v.IsArray()) {
    if (v.Size() == 0) {
      *out += "[ ]";
      return;
    }
    *out += "[ ";
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      if (i > 0) *out += ", ";
      WritePretty(v[i], indent, out);
    }
    *out += " ]";
  } else {
    WriteScalar(v, out);
  }
}

rapidjson::Document ToDocument(const QueryProgress& p) {
  rapidjson::Document doc;
  doc.SetObject();
  Alloc& a = doc.GetAllocator();
  Add(doc, "id", Str(p.id, a), a);
  Add(doc, "runId", Str(p.run_id, a), a);
  Add(doc, "name", p.name ? Str(*p.name, a) : Value(), a);
  Add(doc, "timestamp", Str(p.timestamp, a), a);
  Add(doc, "batchId", Value(static_cast<int64_t>(p.batch_id)), a);
  Add(doc, "batchDuration", Value(static_cast<int64_t>(p.batch_duration_ms)), a);
  Add(doc, "numInputRows", Value(static_cast<int64_t>(p.num_input_rows)), a);
  Add(doc, "inputRowsPerSecond", Num(p.input_rows_per_second), a);
  Add(doc, "processedRowsPerSecond", Num(p.processed_rows_per_second), a);
  Value durations(rapidjson::kObjectType);
  for (const auto& [k, v] : p.duration_ms) Add(durations, k.c_str(), Value(static_cast<int64_t>(v)), a);
  Add(doc, "durationMs", std::move(durations), a);
  if (!p.event_time.empty()) {
    Value et(rapidjson::kObjectType);
    for (const auto& [k, v] : p.event_time) Add(et, k.c_str(), Str(v, a), a);
    Add(doc, "eventTime", std::move(et), a);
  }
  Value ops(rapidjson::kArrayType);
  for (const auto& op : p.state_operators) ops.PushBack(Parsed(op, a), a);
  Add(doc, "stateOperators", std::move(ops), a);
  Value sources(rapidjson::kArrayType);
  for (const auto& s : p.sources) {
    Value src(rapidjson::kObjectType);
    Add(src, "description", Str(s.description, a), a);
    Add(src, "startOffset", Parsed(s.start_offset, a), a);
    Add(src, "endOffset", Parsed(s.end_offset, a), a);
    Add(src, "latestOffset", Parsed(s.latest_offset, a), a);
    Add(src, "numInputRows", Value(static_cast<int64_t>(s.num_input_rows)), a);
    Add(src, "inputRowsPerSecond", Num(s.input_rows_per_second), a);
    Add(src, "processedRowsPerSecond", Num(s.processed_rows_per_second), a);
    if (!s.metrics_json.empty()) Add(src, "metrics", Parsed("{" + s.metrics_json + "}", a), a);
    sources.PushBack(src, a);
  }
  Add(doc, "sources", std::move(sources), a);
  Value sink(rapidjson::kObjectType);
  Add(sink, "description", Str(p.sink.description, a), a);
  Add(sink, "numOutputRows", Value(static_cast<int64_t>(p.sink.num_output_rows)), a);
  Add(doc, "sink", std::move(sink), a);
  return doc;
}

}  // namespace

std::string QueryProgress::Json() const {
  std::string out;
  WriteCompact(ToDocument(*this), &out);
  return out;
}

std::string QueryProgress::PrettyJson() const {
  std::string out;
  WritePretty(ToDocument(*this), 0, &out);
  return out;
}

std::string FormatProgressTimestamp(int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, epoch_ms % 1000);
}

}  // namespace spate
