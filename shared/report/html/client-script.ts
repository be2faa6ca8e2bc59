/**
 * The HTML report's own script: draws each `<figure data-chart>` with
 * Observable Plot from the chart data embedded as JSON. Kept as plain
 * browser JavaScript in a string, so that running from source, from a
 * bundle or in Lambda all inline the exact same text (and the page's CSP
 * can allow it by hash). Colours come from the page's CSS variables, so
 * light and dark schemes need no second palette here. Text reaches the SVG
 * only through Plot, which sets it as text, never as markup.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  var css = getComputedStyle(document.documentElement);
  function color(name) { return css.getPropertyValue('--c-' + name).trim(); }
  function utcDay(s) { return new Date(s + 'T00:00:00Z'); }
  function widthOf(el) { return Math.max(320, Math.min(1100, Math.floor(el.getBoundingClientRect().width) || 800)); }
  function everyNth(values, count) {
    var step = Math.max(1, Math.ceil(values.length / count));
    return values.filter(function (_, i) { return i % step === 0; });
  }
  function short(text, n) { return text.length > n ? text.slice(0, n - 1) + '\u2026' : text; }
  function withDates(rows) { return rows.map(function (r) { return Object.assign({}, r, { date: utcDay(r.day) }); }); }
  function startRule(marks, start) {
    if (start) marks.push(Plot.ruleX([utcDay(start)], { stroke: color('anomaly'), strokeDasharray: '2,3' }));
  }

  var draw = {
    'coverage-accounts': function (d, width) {
      var accounts = [];
      d.rows.forEach(function (r) { if (accounts.indexOf(r.account) < 0) accounts.push(r.account); });
      return Plot.plot({
        width: width,
        height: 50 + accounts.length * 46,
        marginLeft: 150,
        marginRight: 56,
        x: { domain: [0, 100], label: 'coverage (%) \u2192', grid: true },
        y: { axis: null, domain: ['by count', 'by spend'] },
        fy: { label: null, domain: accounts, tickFormat: function (a) { return short(a, 22); } },
        color: { domain: ['by count', 'by spend'], range: [color('count'), color('spend')], legend: true },
        marks: [
          Plot.barX(d.rows, { x: 'value', y: 'measure', fy: 'account', fill: 'measure', tip: true }),
          Plot.text(d.rows, {
            x: 'value', y: 'measure', fy: 'account', dx: 4, textAnchor: 'start', fill: 'currentColor',
            text: function (r) { return r.value.toFixed(1) + '%'; }
          }),
          Plot.ruleX([d.objective], { stroke: color('objective'), strokeWidth: 2, strokeDasharray: '5,3' })
        ]
      });
    },
    'coverage-trend': function (d, width) {
      var rows = withDates(d.rows);
      var low = Math.min.apply(null, rows.map(function (r) { return r.value; }).concat([d.objective]));
      return Plot.plot({
        width: width,
        height: 380,
        marginRight: 20,
        x: { type: 'utc', label: null },
        y: { domain: [Math.max(0, Math.floor(low / 5) * 5 - 5), 100], label: '\u2191 coverage (%)', grid: true },
        fy: { label: null },
        color: { legend: true, scheme: 'tableau10' },
        marks: [
          Plot.ruleY([d.objective], { stroke: color('objective'), strokeDasharray: '5,3' }),
          Plot.lineY(rows, { x: 'date', y: 'value', z: 'series', stroke: 'series', fy: 'measure', strokeWidth: 1.5 }),
          Plot.dot(rows, { x: 'date', y: 'value', fill: 'series', fy: 'measure', r: 1.5, tip: true })
        ]
      });
    },
    'cost-band': function (d, width) {
      var rows = withDates(d.rows);
      var marks = [
        Plot.areaY(rows, { x: 'date', y1: 'lower', y2: 'upper', fill: color('band'), fillOpacity: 0.45, curve: 'step' }),
        Plot.lineY(rows, { x: 'date', y: 'expected', stroke: color('expected'), strokeDasharray: '4,3', curve: 'step' }),
        Plot.lineY(rows, { x: 'date', y: 'actual', stroke: color('actual'), strokeWidth: 1.75 }),
        Plot.dot(rows, { x: 'date', y: 'actual', r: 1.5, fill: color('actual'), tip: true }),
        Plot.dot(rows.filter(function (r) { return r.anomaly === 1; }), {
          x: 'date', y: 'actual', r: 4.5, fill: color('anomaly'), stroke: color('bg'), symbol: 'diamond'
        })
      ];
      startRule(marks, d.start);
      return Plot.plot({
        width: width, height: 260, marginLeft: 56,
        x: { type: 'utc', label: null },
        y: { label: '\u2191 USD per day', grid: true, zero: true },
        marks: marks
      });
    },
    'unit-cost': function (d, width) {
      var rows = withDates(d.rows);
      var marks = [
        Plot.lineY(rows, { x: 'date', y: 'value', stroke: color('unit'), strokeWidth: 1.5 }),
        Plot.dot(rows, { x: 'date', y: 'value', r: 1.5, fill: color('unit'), tip: true })
      ];
      startRule(marks, d.start);
      return Plot.plot({
        width: width, height: 200, marginLeft: 72,
        x: { type: 'utc', label: null },
        y: { label: '\u2191 ' + d.unit, grid: true },
        marks: marks
      });
    },
    'slo-days': function (d, width) {
      var days = [];
      d.rows.forEach(function (r) { if (days.indexOf(r.day) < 0) days.push(r.day); });
      days.sort();
      var slos = [];
      d.rows.forEach(function (r) { if (slos.indexOf(r.slo) < 0) slos.push(r.slo); });
      var rows = d.rows.map(function (r) { return Object.assign({}, r, { status: r.met ? 'met' : 'breached' }); });
      var marks = [Plot.cell(rows, { x: 'day', y: 'slo', fill: 'status', inset: 0.5, tip: true })];
      return Plot.plot({
        width: width, height: 70 + slos.length * 30, marginLeft: 150,
        x: { label: null, domain: days, ticks: everyNth(days, 8), tickFormat: function (s) { return s.slice(5); } },
        y: { label: null, domain: slos, tickFormat: function (s) { return short(s, 24); } },
        color: { domain: ['met', 'breached'], range: [color('met'), color('breached')], legend: true },
        marks: marks
      });
    },
    'probe-rounds': function (d, width) {
      var phases = ['dns', 'connect', 'tls', 'wait', 'transfer'];
      var parts = [];
      d.rows.forEach(function (r) {
        phases.forEach(function (p) { parts.push({ at: r.at, phase: p, ms: r.phases[p] }); });
      });
      var ats = d.rows.map(function (r) { return r.at; });
      var multiDay = ats.length > 1 && ats[0].slice(0, 10) !== ats[ats.length - 1].slice(0, 10);
      var marks = [
        Plot.barY(parts, { x: 'at', y: 'ms', fill: 'phase', tip: true }),
        Plot.dot(d.rows.filter(function (r) { return r.ok; }), { x: 'at', y: 'totalMs', r: 3.5, fill: color('pass'), stroke: color('bg') }),
        Plot.dot(d.rows.filter(function (r) { return !r.ok; }), { x: 'at', y: 'totalMs', r: 6, symbol: 'times', stroke: color('fail'), strokeWidth: 2.5 })
      ];
      if (d.objective !== undefined) marks.push(Plot.ruleY([d.objective], { stroke: color('objective'), strokeDasharray: '5,3' }));
      return Plot.plot({
        width: width, height: 250, marginLeft: 56,
        x: {
          label: null, domain: ats, ticks: everyNth(ats, 10),
          tickFormat: function (s) { return multiDay ? s.slice(5, 10) + ' ' + s.slice(11, 16) : s.slice(11, 19); }
        },
        y: { label: '\u2191 ms', grid: true },
        color: { domain: phases, range: phases.map(function (p) { return color(p); }), legend: true },
        marks: marks
      });
    }
  };

  var figures = document.querySelectorAll('figure[data-chart]');
  for (var i = 0; i < figures.length; i++) {
    var figure = figures[i];
    var spec = charts[figure.getAttribute('data-chart')];
    var holder = figure.querySelector('.chart-canvas');
    try {
      var chart = draw[spec.kind](spec.data, widthOf(holder));
      var svg = chart.tagName.toLowerCase() === 'svg' ? chart : chart.querySelector(':scope > svg');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-labelledby', figure.id + '-title');
      svg.setAttribute('aria-describedby', figure.id + '-desc');
      holder.appendChild(chart);
      figure.setAttribute('data-rendered', 'true');
    } catch (error) {
      holder.textContent = 'This chart could not be drawn; its data is in the table below.';
      figure.setAttribute('data-rendered', 'error');
      console.error('chart ' + figure.id + ': ' + (error && error.message ? error.message : String(error)));
    }
  }
  document.documentElement.setAttribute('data-charts', 'done');
})();
`;
