// DOM helpers. Server text only ever reaches the page through textContent and attributes, never as markup.

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/**
 * Creates an HTML element. Attributes whose value is null, undefined or false are left out; children are nodes
 * or strings, and strings become text nodes.
 */
export function h(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** Creates an SVG element, with the same arguments as h. */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NAMESPACE, tag), attributes, children);
}

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** Formats an ISO 8601 instant in the browser's time zone, or returns a dash when it is missing. */
export function formatTime(value) {
  if (!value) {
    return "—";
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTimeFormat.format(date);
}

/** Formats the time between two instants as seconds, minutes or hours, or a dash when either is missing. */
export function formatDuration(start, end) {
  if (!start || !end) {
    return "—";
  }
  const seconds = (new Date(end).getTime() - new Date(start).getTime()) / 1000;
  if (seconds < 60) {
    return `${seconds.toFixed(1)} s`;
  }
  if (seconds < 3600) {
    return `${(seconds / 60).toFixed(1)} min`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function formatNumber(value) {
  return typeof value === "number" ? value.toLocaleString() : "—";
}

/** Builds a badge for a status word (completed, failed, running and so on), colored by its class. */
export function statusBadge(status) {
  return h("span", { class: `badge status-${status ?? "none"}` }, status ?? "never run");
}
