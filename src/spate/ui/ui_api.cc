// The web UI's JSON API.

#include <cmath>

#include <fmt/format.h>

#include "spate/streaming/progress.h"
#include "spate/types/json_schema.h"
#include "spate/ui/ui_content.h"

namespace spate {

namespace {

void AppendDouble(double d, std::string* out) {
  *out += std::isfinite(d) ? fmt::format("{}", d) : std::string("null");
}

void AppendQuery(const UiQuery& uq, std::string* out) {
  const StreamingQuery& q = *uq.query;
  std::vector<QueryProgress> recent = q.recentProgress();
  double input_rate = 0, process_rate = 0;
  for (const auto& p : recent) {
    input_rate += p.input_rows_per_second;
    process_rate += p.processed_rows_per_second;
  }
  if (!recent.empty()) {
    input_rate /= static_cast<double>(recent.size());
    process_rate /= static_cast<double>(recent.size());
  }
  *out += "{\"name\":";
  if (q.name()) AppendJsonString(*q.name(), out); else *out += "null";
  *out += ",\"id\":";
  AppendJsonString(q.id(), out);
  *out += ",\"runId\":";
  AppendJsonString(q.run_id(), out);
  *out += ",\"status\":";
  AppendJsonString(QueryState(q), out);
  *out += ",\"startTimestamp\":";
  AppendJsonString(FormatProgressTimestamp(uq.started_ms), out);
  *out += ",\"latestBatchId\":";
  *out += recent.empty() ? std::string("null") : std::to_string(recent.back().batch_id);
  *out += ",\"avgInputRowsPerSecond\":";
  AppendDouble(input_rate, out);
  *out += ",\"avgProcessedRowsPerSecond\":";
  AppendDouble(process_rate, out);
  QueryTotals totals = q.totals();
  *out += fmt::format(R"(,"totals":{{"batches":{},"inputRows":{},"outputRows":{}}})", totals.batches,
                      totals.input_rows, totals.output_rows);
  *out += ",\"exception\":";
  if (auto error = q.exception(); error && !error->ok()) {
    AppendJsonString(error->message(), out);
  } else {
    *out += "null";
  }
  *out += "}";
}

}  // namespace

std::string QueryState(const StreamingQuery& q) {
  if (q.isActive()) return "RUNNING";
  auto error = q.exception();
  return error && !error->ok() ? "FAILED" : "FINISHED";
}

std::string QueriesJson(const std::vector<UiQuery>& queries) {
  std::string out = "[";
  for (size_t i = 0; i < queries.size(); ++i) {
    if (i > 0) out += ",";
    AppendQuery(queries[i], &out);
  }
  return out + "]";
}

std::string ProgressJson(const StreamingQuery& q) {
  std::string out = "[";
  std::vector<QueryProgress> recent = q.recentProgress();
  for (size_t i = 0; i < recent.size(); ++i) {
    if (i > 0) out += ",";
    out += recent[i].Json();
  }
  return out + "]";
}

}  // namespace spate
