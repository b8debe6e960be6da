// One execution: its status and counts, execution-level errors, the record errors from its errors log file,
// the console log (polled while the execution runs) and downloads of its log files.

import { get, post, withQuery } from "./api.js";
import { formatDuration, formatNumber, formatTime, h, statusBadge } from "./dom.js";
import { showError, showNotice } from "./notice.js";

const TERMINAL_STATUSES = new Set(["completed", "failed", "canceled", "interrupted"]);
const POLL_MILLISECONDS = 1000;

// The console log route returns at most 50 entries a call; a full page means more may be waiting.
const CONSOLE_LOG_PAGE_SIZE = 50;

// The record errors section shows the first lines of the first errors file; the full file is a download.
const MAX_RECORD_ERRORS_SHOWN = 100;

const COUNT_LABELS = [
  ["total", "Records"],
  ["insert", "Inserts"],
  ["update", "Updates"],
  ["upserts", "Upserts"],
  ["delete", "Deletes"],
  ["error", "Errors"],
  ["warnings", "Warnings"],
];

export function executionView(main, syncId, executionId) {
  const executionPath = `api/syncs/${encodeURIComponent(syncId)}/executions/${encodeURIComponent(executionId)}`;
  const status = h("span", { id: "execution-status" });
  const cancelButton = h("button", { type: "button", id: "cancel-execution", hidden: true }, "Cancel execution");
  const times = h("dl", { class: "details" });
  const counts = h("dl", { class: "counts", id: "execution-counts" });
  const errors = h("ul", { id: "execution-errors", class: "errors" });
  const recordErrors = h("div", { id: "record-errors" }, h("p", { class: "empty" }, "Shown when the execution has ended."));
  const consoleLog = h("ol", { id: "console-log", class: "console-log", "aria-live": "polite" });
  const files = h("div", { id: "log-files" }, h("p", { class: "empty" }, "Listed when the execution has ended."));

  main.append(
    h("p", {}, h("a", { href: `#/syncs/${encodeURIComponent(syncId)}` }, "← Sync")),
    h("h1", {}, "Execution ", h("code", {}, executionId)),
    h("div", { class: "actions" }, h("span", {}, "Status: ", status), cancelButton),
    times,
    h("h2", {}, "Counts"),
    counts,
    h("h2", {}, "Execution errors"),
    errors,
    h("h2", {}, "Record errors"),
    recordErrors,
    h("h2", {}, "Console log"),
    consoleLog,
    h("h2", {}, "Log files"),
    files,
  );

  let stopped = false;
  let timer = null;
  let cursor = null;
  let finished = false;

  function render(execution) {
    status.replaceChildren(statusBadge(execution.status));
    cancelButton.hidden = TERMINAL_STATUSES.has(execution.status);
    times.replaceChildren(
      h("dt", {}, "Type"), h("dd", {}, execution.type),
      h("dt", {}, "Created"), h("dd", {}, formatTime(execution.created_at)),
      h("dt", {}, "Started"), h("dd", {}, formatTime(execution.started_at)),
      h("dt", {}, "Completed"), h("dd", {}, formatTime(execution.completed_at)),
      h("dt", {}, "Duration"), h("dd", {}, formatDuration(execution.started_at, execution.completed_at)),
    );
    counts.replaceChildren(...COUNT_LABELS.flatMap(([key, label]) => [
      h("dt", {}, label),
      h("dd", { id: `count-${key}` }, formatNumber(execution.counts?.[key])),
    ]));
    errors.replaceChildren(...(execution.errors ?? []).map((message) => h("li", {}, message)));
    if (errors.childElementCount === 0) {
      errors.append(h("li", { class: "empty" }, "None."));
    }
  }

  async function readConsoleLog() {
    // Without a cursor the route returns the newest entries; with one, the entries after it, oldest first.
    for (;;) {
      const page = (await get(withQuery(`${executionPath}/consolelog`, { after: cursor }))).data;
      if (stopped) {
        return;
      }
      for (const entry of page.entries) {
        consoleLog.append(h("li", { class: `level-${entry.level}` },
          h("time", { datetime: entry.timestamp }, formatTime(entry.timestamp)), " ",
          h("span", { class: "level" }, entry.level), " ",
          entry.message));
      }
      cursor = page.next_cursor ?? cursor;
      if (page.entries.length < CONSOLE_LOG_PAGE_SIZE || cursor === null) {
        return;
      }
    }
  }

  async function poll() {
    try {
      const execution = (await get(executionPath)).data;
      if (stopped) {
        return;
      }
      render(execution);
      await readConsoleLog();
      if (TERMINAL_STATUSES.has(execution.status)) {
        finished = true;
        const index = (await get(`${executionPath}/logs`)).data;
        if (!stopped) {
          renderFiles(index);
          await loadRecordErrors(index);
        }
        return;
      }
    } catch (error) {
      showError(error);
    }
    if (!stopped && !finished) {
      timer = setTimeout(poll, POLL_MILLISECONDS);
    }
  }

  function renderFiles(index) {
    if (index.files.length === 0) {
      files.replaceChildren(h("p", { class: "empty" }, "No log files."));
      return;
    }
    files.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {}, ["Type", "File", "Lines", "Bytes", ""].map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, index.files.map((file) => h("tr", { "data-log-type": file.type },
        h("td", {}, file.type),
        h("td", {}, file.name),
        h("td", { class: "number" }, formatNumber(file.records)),
        h("td", { class: "number" }, formatNumber(file.bytes)),
        h("td", {}, h("button", {
          type: "button",
          "aria-label": `Download ${file.name}`,
          onclick: () => download(file).catch(showError),
        }, "Download")))))));
  }

  async function signedUrl(file) {
    const path = `${executionPath}/${encodeURIComponent(file.type)}/${encodeURIComponent(file.name)}`;
    return (await get(path)).data.urls[0];
  }

  // Signed URLs expire (15 minutes by default), so each download requests a fresh one.
  async function download(file) {
    const url = await signedUrl(file);
    const link = h("a", { href: url, download: file.name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  }

  async function loadRecordErrors(index) {
    const file = index.files.find((candidate) => candidate.type === "errors" && candidate.records > 0);
    if (!file) {
      recordErrors.replaceChildren(h("p", { class: "empty" }, "None."));
      return;
    }

    // The signed URL needs no API key; it is fetched from the same origin, which connect-src allows.
    const response = await fetch(await signedUrl(file), { cache: "no-store", credentials: "omit" });
    if (!response.ok) {
      throw new Error(`Downloading ${file.name} failed with ${response.status}.`);
    }
    const lines = (await response.text()).split("\n").filter((line) => line.trim() !== "");
    const records = lines.slice(0, MAX_RECORD_ERRORS_SHOWN).map(parseLine);
    recordErrors.replaceChildren(
      h("p", {}, lines.length > MAX_RECORD_ERRORS_SHOWN
        ? `The first ${MAX_RECORD_ERRORS_SHOWN} of ${lines.length} record errors in ${file.name}:`
        : `${lines.length} record errors in ${file.name}:`),
      recordTable(records),
    );
  }

  cancelButton.addEventListener("click", async () => {
    cancelButton.disabled = true;
    try {
      await post(`${executionPath}/cancel`);
      showNotice("Cancellation requested.", "info");
    } catch (error) {
      showError(error);
    } finally {
      cancelButton.disabled = false;
    }
  });

  poll();

  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function parseLine(line) {
  try {
    const value = JSON.parse(line);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : { value };
  } catch {
    return { line };
  }
}

/** Builds a table with one column per property that any record has, in the order first seen. */
function recordTable(records) {
  const columns = [];
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!columns.includes(key)) {
        columns.push(key);
      }
    }
  }
  return h("div", { class: "scroll" }, h("table", { class: "record-errors" },
    h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col" }, column)))),
    h("tbody", {}, records.map((record) => h("tr", {}, columns.map((column) => h("td", {}, cellText(record[column]))))))));
}

function cellText(value) {
  if (value === undefined || value === null) {
    return "";
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
