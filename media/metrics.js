// The Metrics view's page script (plain browser JavaScript, loaded with the page's nonce after
// Chart.js). It draws what the host computed (src/ui/metricsModel.ts): every text goes in
// through textContent, never parsed as HTML. Colours come from the theme's CSS variables and are
// read again when the theme changes. Each chart has its figures as a table in a <details> whose
// summary is reachable with Tab, and the canvas is an image whose label summarises it.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const saved = vscode.getState() || {};
  const app = document.getElementById('app');
  const status = document.getElementById('status');
  const rangeSelect = document.getElementById('range');
  const personaSelect = document.getElementById('persona');
  const rangeText = document.getElementById('range-text');
  const totalsSection = document.getElementById('totals-section');
  const totals = document.getElementById('totals');
  const empty = document.getElementById('empty');
  const chartsRoot = document.getElementById('charts');
  const prices = document.getElementById('prices');
  /** @type {Map<string, {section: HTMLElement, box: HTMLElement, canvas: HTMLCanvasElement, note: HTMLElement, table: HTMLTableElement, chart: any, spec: any}>} */
  const sections = new Map();
  const Chart = window.Chart;

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'report') render(message.view);
    else if (message.type === 'unavailable') unavailable(message.notice);
  });

  const ask = () => {
    const query = { range: rangeSelect.value, persona: personaSelect.value || null };
    vscode.setState({ query });
    vscode.postMessage({ type: 'query', ...query });
  };
  rangeSelect.addEventListener('change', ask);
  personaSelect.addEventListener('change', ask);

  function unavailable(notice) {
    app.setAttribute('aria-busy', 'false');
    status.textContent = notice;
    totalsSection.hidden = true;
    empty.hidden = true;
    chartsRoot.hidden = true;
  }

  function render(view) {
    app.setAttribute('aria-busy', 'false');
    status.textContent = '';
    rangeSelect.value = view.range;
    renderPersonas(view.personas, view.persona);
    rangeText.textContent = `${view.rangeText} · updated ${new Date(view.generatedAt).toLocaleTimeString()}`;
    totals.replaceChildren();
    for (const t of view.totals) totals.append(el('div', { className: 'total' }, [el('dt', { text: t.label }), el('dd', { text: t.value })]));
    totalsSection.hidden = view.empty !== null;
    empty.textContent = view.empty || '';
    empty.hidden = view.empty === null;
    chartsRoot.hidden = view.empty !== null;
    prices.textContent = view.pricesNote;
    if (view.empty === null) for (const spec of view.charts) renderChart(spec);
  }

  /** The filter's options, rebuilt only when the list changes (so a person's focus on it stays). */
  function renderPersonas(personas, selected) {
    const wanted = ['', ...personas];
    const have = Array.from(personaSelect.options).map((o) => o.value);
    if (wanted.join('\n') !== have.join('\n')) {
      personaSelect.replaceChildren(...wanted.map((p) => el('option', { value: p, text: p === '' ? 'All personas' : p })));
    }
    personaSelect.value = selected || '';
  }

  function renderChart(spec) {
    let s = sections.get(spec.id);
    if (!s) {
      s = buildSection(spec.id);
      sections.set(spec.id, s);
      chartsRoot.append(s.section);
    }
    s.spec = spec;
    s.section.querySelector('h2').textContent = spec.title;
    s.canvas.setAttribute('aria-label', spec.summary);
    fillTable(s.table, spec.table);
    s.note.textContent = spec.empty || '';
    s.note.hidden = spec.empty === null;
    s.box.hidden = spec.empty !== null;
    if (spec.empty !== null) {
      if (s.chart) s.chart.destroy();
      s.chart = null;
      return;
    }
    // A horizontal chart grows with its rows, so long names and many personas stay readable.
    s.box.style.height = spec.horizontal ? `${Math.max(140, spec.labels.length * (spec.stacked ? 30 : 26) + 70)}px` : '240px';
    if (!Chart) {
      s.box.hidden = true;
      s.note.textContent = 'The chart library did not load; the data table below has the figures.';
      s.note.hidden = false;
      return;
    }
    const config = chartConfig(spec);
    if (s.chart) {
      s.chart.data = config.data;
      s.chart.options = config.options;
      s.chart.update();
    } else {
      s.chart = new Chart(s.canvas, config);
    }
  }

  function buildSection(id) {
    const section = el('section', { className: `chart chart-${id}` });
    const heading = el('h2', { id: `heading-${id}` });
    section.setAttribute('aria-labelledby', heading.id);
    const canvas = el('canvas', { role: 'img', id: `canvas-${id}` });
    const box = el('div', { className: 'canvas-box' }, [canvas]);
    const note = el('p', { className: 'chart-empty' });
    const table = el('table', { className: 'data-table' });
    const details = el('details', { className: 'data' }, [el('summary', { text: 'Data table' }), el('div', { className: 'table-scroll' }, [table])]);
    section.append(heading, box, note, details);
    return { section, box, canvas, note, table, chart: null, spec: null };
  }

  function fillTable(table, data) {
    const head = el('thead', {}, [el('tr', {}, data.columns.map((c) => el('th', { text: c, scope: 'col' })))]);
    const body = el('tbody', {}, data.rows.length > 0
      ? data.rows.map((row) => el('tr', {}, row.map((cell, i) => el(i === 0 ? 'th' : 'td', i === 0 ? { text: cell, scope: 'row' } : { text: cell }))))
      : [el('tr', {}, [el('td', { text: 'No rows in this range.', colSpan: data.columns.length })])]);
    table.replaceChildren(el('caption', { text: data.caption }), head, body);
  }

  /** A theme variable's value now (the host page sets them on <html> and changes them with the theme). */
  function cssVar(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  function theme() {
    const fg = cssVar('--vscode-foreground', '#616161');
    return {
      fg,
      grid: cssVar('--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)'),
      font: cssVar('--vscode-font-family', 'sans-serif'),
      color: (name) => opaque(cssVar(`--vscode-charts-${name}`, fg)),
    };
  }

  /**
   * Some themes give a chart colour an alpha (Modern's orange is a translucent minimap colour):
   * fine for a highlight, washed out (peach on white, brown on black) as a bar. Bars take it solid.
   */
  function opaque(color) {
    const hex = /^#([0-9a-f]{6})[0-9a-f]{2}$/i.exec(color);
    if (hex) return `#${hex[1]}`;
    const short = /^#([0-9a-f]{3})[0-9a-f]$/i.exec(color);
    if (short) return `#${short[1]}`;
    const rgba = /^rgba\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,[^)]*\)$/i.exec(color);
    return rgba ? `rgb(${rgba[1]}, ${rgba[2]}, ${rgba[3]})` : color;
  }

  function chartConfig(spec) {
    const t = theme();
    const valueAxis = spec.horizontal ? 'x' : 'y';
    const categoryAxis = spec.horizontal ? 'y' : 'x';
    const axis = (isValue) => ({
      stacked: spec.stacked,
      beginAtZero: true,
      ticks: { color: t.fg, font: { family: t.font }, precision: isValue && spec.id !== 'cost' ? 0 : undefined, autoSkip: true, maxRotation: 0 },
      grid: { color: t.grid, display: isValue },
      border: { color: t.grid },
      title: isValue ? { display: true, text: spec.valueLabel, color: t.fg, font: { family: t.font } } : { display: false },
    });
    return {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s) => {
          const fill = s.barColors ? s.barColors.map(t.color) : t.color(s.color);
          return { label: s.label, data: s.data, backgroundColor: fill, borderColor: fill, borderWidth: 0, maxBarThickness: 36 };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? 'y' : 'x',
        scales: { [valueAxis]: axis(true), [categoryAxis]: axis(false) },
        plugins: {
          legend: { display: spec.series.length > 1, position: 'bottom', labels: { color: t.fg, font: { family: t.font }, boxWidth: 12 } },
          tooltip: { enabled: true },
        },
      },
    };
  }

  /** Colours are read when a chart is configured; a theme change reconfigures every chart. */
  function restyle() {
    for (const s of sections.values()) {
      if (!s.chart || !s.spec) continue;
      const config = chartConfig(s.spec);
      s.chart.data = config.data;
      s.chart.options = config.options;
      s.chart.update();
    }
  }
  const observer = new MutationObserver(() => restyle());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });

  /** An element with properties (text → textContent) and children; nothing is parsed as HTML. */
  function el(tag, props, children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === 'text') element.textContent = value;
      else if (name === 'role' || name === 'scope') element.setAttribute(name, value);
      else element[name] = value;
    }
    if (children) element.append(...children);
    return element;
  }

  if (saved.query) {
    rangeSelect.value = saved.query.range;
    vscode.postMessage({ type: 'query', range: saved.query.range, persona: saved.query.persona });
  } else {
    vscode.postMessage({ type: 'ready' });
  }
})();
