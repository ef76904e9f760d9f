// Dashboard: draws each <canvas data-src> with Chart.js from its JSON endpoint, and keeps the custom dates of
// the range form in step with the preset picker. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Colour-blind-safe palette (Okabe-Ito), darkened where needed for contrast on white.
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a6a00", "#000000", "#8c564b"];
  var MOODS = { positive: "#1a7f37", neutral: "#8c959f", negative: "#b42318", met: "#1a7f37", breached: "#b42318",
                running: "#8c959f", open: "#E69F00", resolved: "#0072B2" };

  function colour(name, index) { return MOODS[name] || PALETTE[index % PALETTE.length]; }

  function config(data) {
    var kind = data.kind === "stacked" ? "bar" : data.kind;
    var series = data.series.filter(function (s) { return s.in_chart; });
    var datasets = series.map(function (s, i) {
      var c = colour(s.name, i);
      return { label: s.name, data: s.values, backgroundColor: kind === "doughnut" ? PALETTE : c, borderColor: c,
               borderWidth: kind === "line" ? 2 : 0, pointRadius: kind === "line" ? 2 : 0, spanGaps: true, tension: 0 };
    });
    var stacked = data.kind === "stacked";
    return {
      type: kind,
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: data.kind === "bar" ? "y" : "x",
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: kind === "doughnut" ? {} : {
          x: { stacked: stacked, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: stacked, beginAtZero: true, title: { display: true, text: data.kind === "bar" ? "" : data.unit } }
        }
      }
    };
  }

  function draw(canvas) {
    var note = document.getElementById(canvas.id.replace(/^chart-/, "note-"));
    fetch(canvas.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("could not load the chart's data (" + response.status + ")"); }
        return response.json();
      })
      .then(function (data) {
        var empty = data.labels.length === 0 || data.series.every(function (s) {
          return s.values.every(function (v) { return !v; });
        });
        if (note) { note.textContent = data.note || (empty ? "No data in this range." : ""); }
        if (window.Chart) { new window.Chart(canvas, config(data)); }
        canvas.dataset.rendered = "true";
        canvas.dataset.points = String(data.labels.length);
      })
      .catch(function (error) {
        if (note) { note.textContent = error.message; }
        canvas.dataset.rendered = "error";
      });
  }

  function syncDates() {
    var picker = document.getElementById("range");
    if (!picker) { return; }
    var custom = picker.value === "custom";
    ["range-from", "range-to"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) { input.disabled = !custom; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-src]").forEach(draw);
    var picker = document.getElementById("range");
    if (picker) {
      picker.addEventListener("change", syncDates);
      syncDates();
    }
  });
})();
