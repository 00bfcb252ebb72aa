// mozu report: draws the per-day charts and the relationship graph as SVG
// from the JSON embedded in this page. No network, no libraries.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("mozu-data").textContent);
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function text(parent, x, y, s, cls) {
    var t = el("text", { x: x, y: y, "class": cls || "" }, parent);
    t.textContent = s;
    return t;
  }
  function dayList(perDay) {
    var days = Object.keys(perDay).sort();
    if (days.length === 0) { return []; }
    var out = [];
    var d = new Date(days[0] + "T00:00:00Z");
    var end = new Date(days[days.length - 1] + "T00:00:00Z");
    while (d <= end && out.length < 2000) {
      var key = d.toISOString().slice(0, 10);
      out.push([key, perDay[key] || 0]);
      d = new Date(d.getTime() + 86400000);
    }
    return out;
  }
  function chart(c, holder) {
    var days = dayList(c.per_day);
    var w = 640, h = 140, pad = 28;
    var svg = el("svg", { "class": "chart", width: w, height: h, viewBox: "0 0 " + w + " " + h, role: "img" }, holder);
    el("title", {}, svg).textContent = c.id + ": mails per day";
    var max = 1;
    days.forEach(function (d) { if (d[1] > max) { max = d[1]; } });
    var bw = Math.max(1, (w - 2 * pad) / Math.max(1, days.length));
    days.forEach(function (d, i) {
      var bh = (h - 2 * pad) * d[1] / max;
      var r = el("rect", { x: pad + i * bw, y: h - pad - bh, width: Math.max(1, bw - 1), height: bh, "class": "bar" }, svg);
      el("title", {}, r).textContent = d[0] + ": " + d[1];
    });
    el("line", { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, "class": "axis" }, svg);
    if (days.length) {
      text(svg, pad, h - 8, days[0][0], "tick");
      text(svg, w - pad - 70, h - 8, days[days.length - 1][0], "tick");
    }
    text(svg, 2, pad, String(max), "tick");
  }
  function graph(g, holder) {
    var columns = { "sender-network": 0, "x-mailer": 0, "campaign": 1, "payload-host": 2, "family": 2 };
    var cols = [[], [], []];
    g.nodes.forEach(function (n) { cols[columns[n.kind] || 0].push(n); });
    var rowH = 26, w = 960;
    var h = Math.max(120, 40 + rowH * Math.max(cols[0].length, cols[1].length, cols[2].length));
    var svg = el("svg", { "class": "graph", width: w, height: h, viewBox: "0 0 " + w + " " + h, role: "img" }, holder);
    el("title", {}, svg).textContent = "sending infrastructure → campaign → payload host and family";
    var pos = {};
    var xs = [150, 480, 810];
    cols.forEach(function (list, ci) {
      list.forEach(function (n, i) { pos[n.id] = [xs[ci], 30 + i * rowH]; });
    });
    g.edges.forEach(function (e) {
      var a = pos[e.source], b = pos[e.target];
      if (!a || !b) { return; }
      var line = el("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], "class": "edge " + e.kind,
        "stroke-width": Math.min(6, 1 + Math.log(1 + e.weight)) }, svg);
      el("title", {}, line).textContent = e.kind + " (" + e.weight + " mails)";
    });
    g.nodes.forEach(function (n) {
      var p = pos[n.id];
      el("circle", { cx: p[0], cy: p[1], r: 6, "class": "node " + n.kind }, svg);
      var label = n.label.length > 48 ? n.label.slice(0, 47) + "…" : n.label;
      var t = text(svg, p[0] + (p[0] > 700 ? 10 : -10), p[1] + 4, label, "label");
      if (p[0] <= 700) { t.setAttribute("text-anchor", "end"); }
    });
  }
  data.campaigns.forEach(function (c) {
    var holder = document.getElementById("chart-" + c.id);
    if (holder) { chart(c, holder); }
  });
  graph(data.graph, document.getElementById("graph"));
  document.body.setAttribute("data-rendered", "yes");
})();
