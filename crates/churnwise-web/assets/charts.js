// Draws every chart of the page with ECharts from the JSON document
// embedded beside it (<script type="application/json">), as built by
// crates/churnwise-web/src/pages/charts.rs. No data is fetched: the page
// carries its numbers, which are also in the table one click away.
(function () {
  'use strict';

  function formatter(doc) {
    var locale = doc.lang === 'es' ? 'es-ES' : 'en-GB';
    if (doc.unit === 'money') {
      var money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
      return function (v) { return v == null ? '–' : money.format(v); };
    }
    if (doc.unit === 'percent') {
      var pct = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
      return function (v) { return v == null ? '–' : pct.format(v) + (doc.lang === 'es' ? '\u00a0%' : '%'); };
    }
    var count = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return function (v) { return v == null ? '–' : count.format(v); };
  }

  // Tooltips are drawn by the chart's own renderer: ECharts' default HTML
  // tooltip writes inline style attributes, which the pages'
  // Content-Security-Policy (style-src 'self') refuses.
  var TOOLTIP_MODE = 'richText';

  var palette = ['#1d4ed8', '#b91c1c', '#15803d', '#b45309', '#7c3aed', '#0e7490', '#be185d', '#4b5563'];

  function xySeries(doc, fmt, fmt2) {
    return doc.series.map(function (s, i) {
      var base = { name: s.name, data: s.data, emphasis: { focus: 'series' } };
      if (s.axis === 1) {
        // Against the second value axis, at the right, in its own unit.
        base.yAxisIndex = 1;
        base.tooltip = { valueFormatter: fmt2 };
        base.itemStyle = { color: '#111827' };
        base.lineStyle = { color: '#111827', width: 2 };
      }
      switch (s.draw) {
        case 'bar': return Object.assign(base, { type: 'bar' });
        case 'stacked_bar': return Object.assign(base, { type: 'bar', stack: 'total' });
        case 'dashed': return Object.assign(base, { type: 'line', symbol: 'none', lineStyle: { type: 'dashed', width: 2 } });
        case 'band_low': return Object.assign(base, { type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } });
        case 'band_height': return Object.assign(base, { type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: 'rgba(29,78,216,0.15)' } });
        default: return Object.assign(base, { type: 'line', symbolSize: 6 });
      }
    });
  }

  // The legend is drawn whole, wrapped over as many rows as it needs (a
  // scrolling legend pages as "1/2" and cuts labels). The plot starts below
  // it: its rows are counted from the labels' widths in the legend's font.
  var LEGEND_FONT = '12px system-ui, sans-serif';
  var LEGEND_ROW = 24;
  var measure = null;
  function textWidth(text) {
    if (!measure) { measure = document.createElement('canvas').getContext('2d'); }
    if (!measure) { return text.length * 7; }
    measure.font = LEGEND_FONT;
    return measure.measureText(text).width;
  }
  function legendRows(names, width) {
    var rows = 1;
    var used = 0;
    var room = Math.max(width - 20, 80);
    names.forEach(function (name) {
      // icon (25) + gap (5) + label, then the gap between items (10)
      var item = 25 + 5 + Math.ceil(textWidth(name)) + 2;
      if (used > 0 && used + 10 + item > room) { rows += 1; used = item; } else { used += (used > 0 ? 10 : 0) + item; }
    });
    return rows;
  }

  // Rows of a heat map get this many pixels each, so every row label shows
  // and none overlaps its neighbour.
  var HEATMAP_ROW = 20;

  function option(doc, width) {
    var fmt = formatter(doc);
    var common = {
      color: palette,
      animation: false,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      aria: { enabled: true },
    };
    if (doc.kind === 'heatmap') {
      var values = doc.cells.map(function (c) { return c[2]; });
      return Object.assign(common, {
        tooltip: { renderMode: TOOLTIP_MODE, position: 'top', formatter: function (p) { return doc.y[p.value[1]] + ' · ' + doc.x[p.value[0]] + ': ' + fmt(p.value[2]); } },
      legend: { show: false },
        grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
        xAxis: { type: 'category', data: doc.x, splitArea: { show: true }, axisLabel: { fontSize: 11, hideOverlap: true } },
        yAxis: { type: 'category', data: doc.y, inverse: true, splitArea: { show: true }, axisLabel: { interval: 0, fontSize: 11 } },
        visualMap: { min: Math.min.apply(null, values.concat([0])), max: Math.max.apply(null, values.concat([100])), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#fee2e2', '#fde68a', '#bbf7d0', '#15803d'] }, formatter: function (v) { return fmt(v); } },
        series: [{ type: 'heatmap', data: doc.cells, label: { show: doc.x.length <= 13, formatter: function (p) { return Math.round(p.value[2]); }, fontSize: 10 } }],
      });
    }
    // Money is shown in whole units and counts are whole: ticks closer than
    // 1 would repeat a label ("€0 €0 €1 €1").
    var whole = function (unit) { return unit === 'percent' ? 0 : 1; };
    var yAxis = { type: 'value', minInterval: whole(doc.unit), axisLabel: { formatter: fmt } };
    var fmt2 = null;
    if (doc.unit2) {
      fmt2 = formatter({ lang: doc.lang, unit: doc.unit2 });
      yAxis = [yAxis, { type: 'value', minInterval: whole(doc.unit2), axisLabel: { formatter: fmt2 }, splitLine: { show: false } }];
    }
    var names = doc.series.filter(function (s) { return s.draw !== 'band_low'; }).map(function (s) { return s.name; });
    var rows = legendRows(names, width);
    common.grid.top = rows * LEGEND_ROW + 16;
    return Object.assign(common, {
      tooltip: { renderMode: TOOLTIP_MODE, trigger: 'axis', valueFormatter: fmt },
      legend: { type: 'plain', top: 0, left: 0, right: 0, itemGap: 10, itemHeight: 14, textStyle: { fontSize: 12 }, data: names },
      xAxis: { type: 'category', data: doc.x },
      yAxis: yAxis,
      series: withMarks(xySeries(doc, fmt, fmt2), doc.marks || []),
    });
  }

  // Vertical lines at the x labels of events (a case opened, a complaint),
  // drawn on the first series.
  function withMarks(series, marks) {
    if (marks.length === 0 || series.length === 0) { return series; }
    series[0].markLine = {
      symbol: 'none',
      silent: true,
      lineStyle: { color: '#b91c1c', type: 'dotted', width: 1 },
      label: { formatter: '{b}', position: 'insideEndTop', fontSize: 10 },
      data: marks.map(function (m) { return { name: m.label, xAxis: m.x }; }),
    };
    return series;
  }

  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var source = document.getElementById(el.getAttribute('data-chart'));
      if (!source) { return; }
      var doc;
      try { doc = JSON.parse(source.textContent); } catch (e) { return; }
      doc.cells = doc.cells || [];
      doc.series = doc.series || [];
      doc.y = doc.y || [];
      var empty = doc.kind === 'heatmap' ? doc.cells.length === 0 : doc.x.length === 0;
      if (empty) {
        el.classList.add('chart-empty');
        el.textContent = el.getAttribute('data-empty') || '';
        el.setAttribute('data-drawn', 'empty');
        return;
      }
      try {
        if (doc.kind === 'heatmap') {
          // Tall enough for every cohort's label (set through the CSSOM,
          // which the Content-Security-Policy allows).
          el.style.height = Math.max(300, doc.y.length * HEATMAP_ROW + 110) + 'px';
        } else {
          var names = doc.series.filter(function (s) { return s.draw !== 'band_low'; }).map(function (s) { return s.name; });
          var extra = (legendRows(names, el.clientWidth) - 1) * LEGEND_ROW;
          if (extra > 0) { el.style.height = (el.clientHeight + extra) + 'px'; }
        }
        var chart = window.echarts.init(el, null, { renderer: 'svg' });
        chart.setOption(option(doc, el.clientWidth));
        el.setAttribute('data-drawn', 'true');
        charts.push(chart);
      } catch (e) {
        el.setAttribute('data-drawn', 'failed');
        if (window.console) { window.console.error('chart', el.id, e); }
      }
    });
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
