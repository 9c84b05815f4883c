// /metrics: the streaming queries' progress in Prometheus' text format.

#include <cmath>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/streaming/progress.h"
#include "spate/ui/ui_content.h"

namespace spate {

namespace {

struct Family {
  const char* name;
  const char* type;
  const char* help;
  std::vector<std::string> samples;  // "{labels} value"
};

std::string EscapeLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Value(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", d);
}

// Seconds since the epoch of a progress timestamp ("2024-01-01T12:00:00.000Z").
std::optional<double> EpochSeconds(const std::string& ts) {
  std::tm tm{};
  const char* rest = strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  double millis = 0;
  if (*rest == '.') millis = std::atof(rest + 1);
  return static_cast<double>(timegm(&tm)) + millis / 1000.0;
}

// A number, or a number written as a string (Spark writes a source's
// metrics, such as Kafka's offsets behind latest, as strings).
std::optional<double> NumberMember(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return std::nullopt;
  if (it->value.IsNumber()) return it->value.GetDouble();
  if (!it->value.IsString()) return std::nullopt;
  const char* text = it->value.GetString();
  char* end = nullptr;
  double d = std::strtod(text, &end);
  if (end == text || *end != '\0') return std::nullopt;
  return d;
}

std::string StringMember(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

class MetricsWriter {
 public:
  MetricsWriter()
      : families_{
            {"spate_streaming_query_active", "gauge", "1 while the query runs, else 0.", {}},
            {"spate_streaming_batches_total", "counter", "Micro-batches completed.", {}},
            {"spate_streaming_input_rows_total", "counter", "Rows read from the sources.", {}},
            {"spate_streaming_output_rows_total", "counter", "Rows written to the sink.", {}},
            {"spate_streaming_input_rows_per_second", "gauge", "Input rate of the latest batch.", {}},
            {"spate_streaming_processed_rows_per_second", "gauge", "Processing rate of the latest batch.", {}},
            {"spate_streaming_batch_duration_seconds", "gauge", "Duration of the latest batch.", {}},
            {"spate_streaming_state_rows", "gauge", "Rows in a stateful operator's state.", {}},
            {"spate_streaming_state_memory_bytes", "gauge", "Memory used by a stateful operator's state.", {}},
            {"spate_streaming_watermark_timestamp_seconds", "gauge", "The event-time watermark.", {}},
            {"spate_streaming_source_offsets_behind_latest", "gauge",
             "Most offsets a source's partitions are behind the latest (Kafka).", {}},
        } {}

  void Add(size_t family, const std::string& labels, double value) {
    families_[family].samples.push_back("{" + labels + "} " + Value(value));
  }

  std::string Text() const {
    std::string out;
    for (const auto& f : families_) {
      out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, f.help, f.name, f.type);
      for (const auto& s : f.samples) out += std::string(f.name) + s + "\n";
    }
    return out;
  }

 private:
  std::vector<Family> families_;
};

enum FamilyIndex {
  kActive, kBatches, kInputRows, kOutputRows, kInputRate, kProcessRate, kDuration,
  kStateRows, kStateMemory, kWatermark, kOffsetsBehind
};

void AddLatest(const QueryProgress& p, const std::string& labels, MetricsWriter* w) {
  w->Add(kInputRate, labels, p.input_rows_per_second);
  w->Add(kProcessRate, labels, p.processed_rows_per_second);
  w->Add(kDuration, labels, static_cast<double>(p.batch_duration_ms) / 1000.0);
  for (size_t i = 0; i < p.state_operators.size(); ++i) {
    rapidjson::Document op;
    op.Parse(p.state_operators[i].c_str());
    if (op.HasParseError() || !op.IsObject()) continue;
    std::string name = StringMember(op, "operatorName");
    std::string op_labels = labels + fmt::format(",operator=\"{}\",operator_index=\"{}\"",
                                                 EscapeLabel(name), i);
    if (auto rows = NumberMember(op, "numRowsTotal")) w->Add(kStateRows, op_labels, *rows);
    if (auto bytes = NumberMember(op, "memoryUsedBytes")) w->Add(kStateMemory, op_labels, *bytes);
  }
  for (const auto& [key, value] : p.event_time) {
    if (key != "watermark") continue;
    if (auto seconds = EpochSeconds(value)) w->Add(kWatermark, labels, *seconds);
  }
  for (const auto& s : p.sources) {
    if (s.metrics_json.empty()) continue;
    rapidjson::Document metrics;
    metrics.Parse(("{" + s.metrics_json + "}").c_str());
    if (auto behind = NumberMember(metrics, "maxOffsetsBehindLatest")) {
      w->Add(kOffsetsBehind, labels + ",source=\"" + EscapeLabel(s.description) + "\"", *behind);
    }
  }
}

}  // namespace

std::string PrometheusText(const std::vector<UiQuery>& queries) {
  MetricsWriter w;
  for (const auto& uq : queries) {
    if (!uq.metrics_enabled) continue;
    const StreamingQuery& q = *uq.query;
    std::string labels = fmt::format("query_name=\"{}\",query_id=\"{}\",run_id=\"{}\"",
                                     EscapeLabel(q.name().value_or("")), q.id(), q.run_id());
    QueryTotals t = q.totals();
    w.Add(kActive, labels, q.isActive() ? 1 : 0);
    w.Add(kBatches, labels, static_cast<double>(t.batches));
    w.Add(kInputRows, labels, static_cast<double>(t.input_rows));
    w.Add(kOutputRows, labels, static_cast<double>(t.output_rows));
    if (auto latest = q.lastProgress()) AddLatest(*latest, labels, &w);
  }
  return w.Text();
}

}  // namespace spate
