// The web UI's HTML pages. Every string a user chose (query names, plans,
// error messages) goes through HtmlEscape.

#include <fmt/format.h>

#include "spate/streaming/progress.h"
#include "spate/ui/ui_content.h"

namespace spate {

namespace {

constexpr std::string_view kStyle = R"(<style>
body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f0f0f0}pre{background:#f7f7f7;padding:8px;overflow:auto;max-height:30em}
.FAILED{color:#b00020;font-weight:bold}.RUNNING{color:#0a7d22}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #ddd;padding:4px}
.chart h3{font-size:13px;margin:2px 4px}.error{color:#b00020;white-space:pre-wrap}
</style>)";

std::string Head(const std::string& title) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + HtmlEscape(title) +
         "</title>" + std::string(kStyle) + "</head><body>";
}

// The run's totals over all its batches (the charts show the recent ones).
std::string TotalsRows(const QueryTotals& t) {
  return "<tr><th>Batches</th><td id=\"total-batches\">" + std::to_string(t.batches) +
         "</td></tr><tr><th>Input rows</th><td id=\"total-input-rows\">" + std::to_string(t.input_rows) +
         "</td></tr><tr><th>Output rows</th><td id=\"total-output-rows\">" + std::to_string(t.output_rows) +
         "</td></tr>";
}

std::string ErrorText(const StreamingQuery& q) {
  auto error = q.exception();
  return error && !error->ok() ? error->message() : "";
}

std::string Rates(const StreamingQuery& q) {
  std::vector<QueryProgress> recent = q.recentProgress();
  double in = 0, out = 0;
  for (const auto& p : recent) {
    in += p.input_rows_per_second;
    out += p.processed_rows_per_second;
  }
  double n = recent.empty() ? 1 : static_cast<double>(recent.size());
  std::string latest = recent.empty() ? "" : std::to_string(recent.back().batch_id);
  return fmt::format("<td>{}</td><td>{:.2f}</td><td>{:.2f}</td>", latest, in / n, out / n);
}

std::string QueryRow(const UiQuery& uq) {
  const StreamingQuery& q = *uq.query;
  std::string state = QueryState(q);
  std::string link = "/streaming/query/" + HtmlEscape(q.run_id());
  return "<tr><td><a href=\"" + link + "\">" + HtmlEscape(q.name().value_or("<no name>")) +
         "</a></td><td>" + HtmlEscape(q.id()) + "</td><td>" + HtmlEscape(q.run_id()) +
         "</td><td class=\"" + state + "\">" + state + "</td><td>" +
         FormatProgressTimestamp(uq.started_ms) + "</td>" + Rates(q) + "<td class=\"error\">" +
         HtmlEscape(ErrorText(q)) + "</td></tr>";
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string QueryListPage(const std::vector<UiQuery>& queries) {
  std::string html = Head("Spate Structured Streaming");
  html.insert(html.find("<title>"), "<meta http-equiv=\"refresh\" content=\"2\">");
  html += "<h1>Structured Streaming</h1><table id=\"queries\"><tr><th>Name</th><th>Id</th>"
          "<th>Run Id</th><th>Status</th><th>Started</th><th>Latest Batch</th>"
          "<th>Avg Input /sec</th><th>Avg Process /sec</th><th>Error</th></tr>";
  for (auto it = queries.rbegin(); it != queries.rend(); ++it) html += QueryRow(*it);
  html += "</table>";
  if (queries.empty()) html += "<p>No streaming queries.</p>";
  return html + "</body></html>";
}

std::string QueryPage(const UiQuery& uq, bool kill_enabled) {
  const StreamingQuery& q = *uq.query;
  std::string state = QueryState(q);
  std::string html = Head("Query " + q.name().value_or(q.id()));
  html += "<p><a href=\"/streaming/\">All queries</a></p><h1>Query " +
          HtmlEscape(q.name().value_or("<no name>")) + "</h1><table>" +
          "<tr><th>Id</th><td>" + HtmlEscape(q.id()) + "</td></tr><tr><th>Run Id</th><td>" +
          HtmlEscape(q.run_id()) + "</td></tr><tr><th>Status</th><td id=\"status\" class=\"" + state +
          "\">" + state + "</td></tr><tr><th>Started</th><td>" +
          FormatProgressTimestamp(uq.started_ms) + "</td></tr>" + TotalsRows(q.totals()) + "</table>";
  if (std::string error = ErrorText(q); !error.empty()) {
    html += "<h2>Error</h2><pre id=\"error\" class=\"error\">" + HtmlEscape(error) + "</pre>";
  }
  if (kill_enabled && q.isActive()) {
    html += "<form method=\"post\" action=\"/streaming/query/" + HtmlEscape(q.run_id()) +
            "/stop\"><button type=\"submit\">Stop query</button></form>";
  }
  html += "<h2>Statistics</h2><div class=\"charts\" id=\"charts\"></div>"
          "<h2>Last progress</h2><pre id=\"progress\"></pre>"
          "<h2>Plan</h2><pre id=\"plan\">" + HtmlEscape(q.explain(true)) + "</pre>";
  html += "<script src=\"/static/spate-ui.js\" data-query=\"" + HtmlEscape(q.run_id()) +
          "\"></script></body></html>";
  return html;
}

}  // namespace spate
