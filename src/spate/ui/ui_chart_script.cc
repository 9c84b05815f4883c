// /static/spate-ui.js: polls a query's recent progress and draws its charts
// as plain SVG. Text from the server is set with textContent, never as HTML.

#include "spate/ui/ui_content.h"

namespace spate {

namespace {

constexpr std::string_view kScript = R"JS((function () {
  "use strict";
  var me = document.currentScript;
  var query = me.getAttribute("data-query");
  var url = "/api/v1/streaming/queries/" + encodeURIComponent(query) + "/progress";
  var SVG = "http://www.w3.org/2000/svg";
  var W = 320, H = 140, PAD = 36;

  function watermarkDelay(p) {
    var et = p.eventTime || {};
    if (!et.watermark || !et.max) return null;
    return (Date.parse(et.max) - Date.parse(et.watermark)) / 1000;
  }
  function stateRows(p) {
    var ops = p.stateOperators || [];
    if (!ops.length) return null;
    return ops.reduce(function (s, o) { return s + (o.numRowsTotal || 0); }, 0);
  }
  function stateMemory(p) {
    var ops = p.stateOperators || [];
    if (!ops.length) return null;
    return ops.reduce(function (s, o) { return s + (o.memoryUsedBytes || 0); }, 0);
  }
  function offsetsBehind(p) {
    var most = null;
    (p.sources || []).forEach(function (s) {
      var m = s.metrics || {};
      if (m.maxOffsetsBehindLatest !== undefined) most = Math.max(most || 0, Number(m.maxOffsetsBehindLatest));
    });
    return most;
  }
  var charts = [
    ["Input rows/sec", function (p) { return p.inputRowsPerSecond; }],
    ["Process rows/sec", function (p) { return p.processedRowsPerSecond; }],
    ["Input rows", function (p) { return p.numInputRows; }],
    ["Batch duration (ms)", function (p) { return p.batchDuration; }],
    ["addBatch (ms)", function (p) { return (p.durationMs || {}).addBatch; }],
    ["State rows", stateRows],
    ["State memory (bytes)", stateMemory],
    ["Watermark delay (s)", watermarkDelay],
    ["Offsets behind latest", offsetsBehind]
  ];

  function el(name, attrs) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function draw(box, title, values) {
    box.textContent = "";
    var h = document.createElement("h3");
    var last = values.length ? values[values.length - 1] : null;
    h.textContent = title + (last === null ? "" : ": " + (+last.toFixed(2)));
    box.appendChild(h);
    var svg = el("svg", {width: W, height: H, "class": "plot"});
    svg.appendChild(el("rect", {x: PAD, y: 4, width: W - PAD - 4, height: H - 24, fill: "#fafafa", stroke: "#ccc"}));
    var max = Math.max.apply(null, values.concat([1]));
    var label = el("text", {x: 2, y: 14, "font-size": 10});
    label.textContent = String(+max.toPrecision(3));
    svg.appendChild(label);
    if (values.length > 0) {
      var step = values.length > 1 ? (W - PAD - 8) / (values.length - 1) : 0;
      var pts = values.map(function (v, i) {
        return (PAD + 2 + i * step).toFixed(1) + "," + (H - 22 - (v / max) * (H - 30)).toFixed(1);
      });
      svg.appendChild(el("polyline", {points: pts.join(" "), fill: "none", stroke: "#1f77b4", "stroke-width": 2}));
    }
    box.appendChild(svg);
  }
  function render(progress) {
    var area = document.getElementById("charts");
    charts.forEach(function (c, i) {
      var values = progress.map(c[1]).filter(function (v) { return v !== null && v !== undefined && isFinite(v); });
      if (!values.length && i > 4) return;
      var id = "chart-" + i, box = document.getElementById(id);
      if (!box) {
        box = document.createElement("div");
        box.className = "chart";
        box.id = id;
        area.appendChild(box);
      }
      draw(box, c[0], values.map(Number));
    });
    if (progress.length) {
      document.getElementById("progress").textContent = JSON.stringify(progress[progress.length - 1], null, 2);
    }
  }
  function poll() {
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(render).catch(function () {})
      .then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
)JS";

}  // namespace

std::string_view ChartScript() { return kScript; }

}  // namespace spate
