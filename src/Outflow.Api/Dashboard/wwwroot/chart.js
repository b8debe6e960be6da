// The execution history chart: one stacked bar per execution, oldest on the left, of its inserts, updates,
// deletes and errors. Hand-written SVG, so the dashboard loads no chart library.

import { formatTime, h, svg } from "./dom.js";

export const SERIES = [
  { key: "insert", label: "Inserts" },
  { key: "update", label: "Updates" },
  { key: "delete", label: "Deletes" },
  { key: "error", label: "Errors" },
];

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 36, left: 64 };
const MAX_BAR_WIDTH = 40;

/** Builds the chart of the executions given in any order, or a sentence when there are none. */
export function executionChart(executions) {
  const ordered = [...executions].sort((a, b) => startOf(a) - startOf(b));
  if (ordered.length === 0) {
    return h("p", { class: "empty" }, "No executions yet.");
  }

  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const totals = ordered.map((execution) => SERIES.reduce((sum, series) => sum + count(execution, series.key), 0));
  const maxValue = niceCeiling(Math.max(1, ...totals));
  const step = plotWidth / ordered.length;
  const barWidth = Math.max(1, Math.min(MAX_BAR_WIDTH, step * 0.7));
  const y = (value) => MARGIN.top + plotHeight - (value / maxValue) * plotHeight;

  const chart = svg("svg", {
    class: "chart",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-label": summary(ordered),
  });

  for (const tick of [0, maxValue / 2, maxValue]) {
    chart.append(
      svg("line", { class: "grid", x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(tick), y2: y(tick) }),
      svg("text", { class: "axis", x: MARGIN.left - 6, y: y(tick) + 4, "text-anchor": "end" }, tick.toLocaleString()),
    );
  }

  ordered.forEach((execution, index) => {
    const x = MARGIN.left + index * step + (step - barWidth) / 2;
    const group = svg("g", { class: "bar" }, svg("title", {}, tooltip(execution)));
    let base = 0;
    for (const series of SERIES) {
      const value = count(execution, series.key);
      if (value > 0) {
        group.append(svg("rect", {
          class: `series-${series.key}`,
          x,
          y: y(base + value),
          width: barWidth,
          height: Math.max(1, y(base) - y(base + value)),
        }));
      }
      base += value;
    }
    chart.append(group);
  });

  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  chart.append(svg("text", { class: "axis", x: MARGIN.left, y: HEIGHT - 10 }, formatTime(first.started_at ?? first.created_at)));
  if (ordered.length > 1) {
    chart.append(svg(
      "text",
      { class: "axis", x: WIDTH - MARGIN.right, y: HEIGHT - 10, "text-anchor": "end" },
      formatTime(last.started_at ?? last.created_at),
    ));
  }

  const legend = h("ul", { class: "legend" }, SERIES.map((series) =>
    h("li", {}, h("span", { class: `swatch series-${series.key}`, "aria-hidden": "true" }), series.label)));
  return h("figure", { class: "chart-figure" }, chart, legend);
}

function count(execution, key) {
  const value = execution.counts?.[key];
  return typeof value === "number" && value > 0 ? value : 0;
}

function startOf(execution) {
  return new Date(execution.started_at ?? execution.created_at).getTime();
}

function tooltip(execution) {
  const counts = SERIES.map((series) => `${count(execution, series.key).toLocaleString()} ${series.label.toLowerCase()}`);
  return `${formatTime(execution.started_at ?? execution.created_at)}, ${execution.status}: ${counts.join(", ")}`;
}

function summary(executions) {
  const sums = SERIES.map((series) => {
    const total = executions.reduce((sum, execution) => sum + count(execution, series.key), 0);
    return `${total.toLocaleString()} ${series.label.toLowerCase()}`;
  });
  return `Inserts, updates, deletes and errors of ${executions.length} executions: ${sums.join(", ")} in all.`;
}

/** Rounds up to 1, 2 or 5 times a power of ten, so that the axis labels are round numbers. */
function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) {
    if (value <= factor * power) {
      return factor * power;
    }
  }
  return 10 * power;
}
