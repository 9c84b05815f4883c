#pragma once

// What the web UI answers with: the JSON API, Prometheus text and the HTML
// pages, made from the queries of the UI's sessions.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/streaming/streaming_query.h"

namespace spate {

/// A query as the UI shows it.
struct UiQuery {
  std::shared_ptr<StreamingQuery> query;
  int64_t started_ms = 0;
  bool metrics_enabled = false;  // its session's spark.sql.streaming.metricsEnabled
};

/// Counters of one query run summed over every batch the UI has seen (a
/// query keeps only its recent progress).
struct RunTotals {
  int64_t last_batch_id = -1;
  int64_t input_rows = 0;
  int64_t output_rows = 0;
  int64_t batches = 0;
};

/// Totals by run id.
struct MetricsTotals {
  std::map<std::string, RunTotals> runs;
};

/// "RUNNING", "FAILED" or "FINISHED".
std::string QueryState(const StreamingQuery& q);

/// /api/v1/streaming/queries: a JSON array, one object per query.
std::string QueriesJson(const std::vector<UiQuery>& queries);
/// /api/v1/streaming/queries/<id>/progress: the recent progress, a JSON array.
std::string ProgressJson(const StreamingQuery& q);

/// /metrics in Prometheus' text format (version 0.0.4).
std::string PrometheusText(const std::vector<UiQuery>& queries, MetricsTotals* totals);

/// `s` safe inside HTML text and quoted attributes.
std::string HtmlEscape(std::string_view s);
/// The query list page.
std::string QueryListPage(const std::vector<UiQuery>& queries);
/// One query's page: live charts, last progress, plan; a stop button when `kill_enabled`.
std::string QueryPage(const UiQuery& q, bool kill_enabled);
/// The script drawing the charts (/static/spate-ui.js).
std::string_view ChartScript();

}  // namespace spate
