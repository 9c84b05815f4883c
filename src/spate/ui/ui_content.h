#pragma once

// What the web UI answers with: the JSON API, Prometheus text and the HTML
// pages, made from the queries of the UI's sessions.

#include <cstdint>
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

/// "RUNNING", "FAILED" or "FINISHED".
std::string QueryState(const StreamingQuery& q);

/// /api/v1/streaming/queries: a JSON array, one object per query.
std::string QueriesJson(const std::vector<UiQuery>& queries);
/// /api/v1/streaming/queries/<id>/progress: the recent progress, a JSON array.
std::string ProgressJson(const StreamingQuery& q);

/// /metrics in Prometheus' text format (version 0.0.4); the counters are the
/// queries' totals over all their batches.
std::string PrometheusText(const std::vector<UiQuery>& queries);

/// `s` safe inside HTML text and quoted attributes.
std::string HtmlEscape(std::string_view s);
/// The query list page.
std::string QueryListPage(const std::vector<UiQuery>& queries);
/// One query's page: live charts, last progress, plan; a stop button when `kill_enabled`.
std::string QueryPage(const UiQuery& q, bool kill_enabled);
/// The script drawing the charts (/static/spate-ui.js).
std::string_view ChartScript();

}  // namespace spate
