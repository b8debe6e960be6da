// One sync: its state, the start, cancel and activate buttons, the execution history chart and a paged
// table of its executions.

import { get, post, withQuery } from "./api.js";
import { executionChart } from "./chart.js";
import { formatDuration, formatNumber, formatTime, h, statusBadge } from "./dom.js";
import { showError, showNotice } from "./notice.js";

const POLL_MILLISECONDS = 1000;

export function syncView(main, syncId) {
  const syncPath = `api/syncs/${encodeURIComponent(syncId)}`;
  const title = h("h1", {}, "Sync");
  const details = h("dl", { class: "details" });
  const startButton = h("button", { type: "button", id: "start-sync" }, "Start");
  const cancelButton = h("button", { type: "button", id: "cancel-sync" }, "Cancel");
  const activeButton = h("button", { type: "button", id: "toggle-active" }, "Deactivate");
  const chart = h("div", { class: "chart-container" });
  const rows = h("tbody");
  const newerButton = h("button", { type: "button", disabled: true }, "Newer");
  const olderButton = h("button", { type: "button", disabled: true }, "Older");
  const pageLabel = h("span", { class: "page-label" });

  main.append(
    h("p", {}, h("a", { href: "#/" }, "← Syncs")),
    title,
    details,
    h("div", { class: "actions" }, startButton, cancelButton, activeButton),
    h("h2", {}, "Execution history"),
    chart,
    h("table", { class: "executions" },
      h("caption", { class: "visually-hidden" }, "Executions, newest first"),
      h("thead", {}, h("tr", {},
        ["Started", "Status", "Type", "Inserts", "Updates", "Deletes", "Errors", "Duration"]
          .map((name) => h("th", { scope: "col" }, name)))),
      rows),
    h("div", { class: "pager" }, newerButton, pageLabel, olderButton),
  );

  let stopped = false;
  let timer = null;
  let sync = null;
  let lastStatusKey = null;

  // tokens[i] is the page_token of page i; the first page has none.
  const tokens = [null];
  let pageIndex = 0;
  let nextPageToken = null;

  async function loadSync() {
    sync = (await get(syncPath)).data;
    title.textContent = sync.name;
    document.title = `${sync.name} · Outflow`;
    activeButton.textContent = sync.active ? "Deactivate" : "Activate";
    startButton.disabled = !sync.active;
  }

  async function loadPage() {
    const page = await get(withQuery(`${syncPath}/executions`, { page_token: tokens[pageIndex] }));
    if (stopped) {
      return;
    }
    nextPageToken = page.pagination?.next_page_token ?? null;
    rows.replaceChildren(...page.data.map((execution) => executionRow(syncId, execution)));
    if (page.data.length === 0) {
      rows.append(h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No executions yet.")));
    }
    chart.replaceChildren(executionChart(page.data));
    newerButton.disabled = pageIndex === 0;
    olderButton.disabled = !nextPageToken;
    pageLabel.textContent = `Page ${pageIndex + 1}`;
  }

  async function refreshStatus() {
    const status = (await get(`${syncPath}/status`)).data;
    if (stopped) {
      return;
    }
    const current = status.current_execution;
    const last = status.last_execution;
    details.replaceChildren(
      h("dt", {}, "Mode"), h("dd", {}, sync.mode),
      h("dt", {}, "Target"), h("dd", {}, sync.target?.object ?? sync.target_object ?? "—"),
      h("dt", {}, "Active"), h("dd", { id: "sync-active" }, sync.active ? "yes" : "no"),
      h("dt", {}, "Running"), h("dd", { id: "current-execution" }, current
        ? [statusBadge(current.status), " ", executionLink(syncId, current, "open")]
        : "no"),
      h("dt", {}, "Last execution"), h("dd", { id: "last-execution" }, last
        ? [statusBadge(last.status), " ", formatTime(last.completed_at), " ", executionLink(syncId, last, "open")]
        : "none"),
      h("dt", {}, "Next run"), h("dd", {}, status.next_execution_time ? formatTime(status.next_execution_time) : "not scheduled"),
    );
    cancelButton.disabled = !current;

    // The table and chart change only when an execution starts, progresses or ends.
    const statusKey = JSON.stringify([current?.id, current?.status, current?.counts, last?.id]);
    if (statusKey !== lastStatusKey) {
      lastStatusKey = statusKey;
      await loadPage();
    }
  }

  async function poll() {
    try {
      await refreshStatus();
    } catch (error) {
      showError(error);
    }
    if (!stopped) {
      timer = setTimeout(poll, POLL_MILLISECONDS);
    }
  }

  async function act(button, action) {
    button.disabled = true;
    try {
      await action();
      showNotice(null);
    } catch (error) {
      showError(error);
    } finally {
      await loadSync().catch(showError);
      await refreshStatus().catch(showError);
      if (button !== startButton || sync?.active) {
        button.disabled = false;
      }
    }
  }

  startButton.addEventListener("click", () => act(startButton, async () => {
    const started = await post(`${syncPath}/executions`, {});
    showNotice(`Started execution ${started.data.id}.`, "info");
  }));
  cancelButton.addEventListener("click", () => act(cancelButton, () => post(`${syncPath}/cancel`)));
  activeButton.addEventListener("click", () => act(activeButton, () => post(`${syncPath}/activate`, { active: !sync.active })));
  newerButton.addEventListener("click", () => {
    pageIndex -= 1;
    loadPage().catch(showError);
  });
  olderButton.addEventListener("click", () => {
    tokens[pageIndex + 1] = nextPageToken;
    pageIndex += 1;
    loadPage().catch(showError);
  });

  loadSync().then(poll).catch((error) => {
    // A sync that cannot be read (an unknown id, say) leaves only the way back, not buttons that would fail.
    showError(error);
    main.replaceChildren(h("p", {}, h("a", { href: "#/" }, "← Syncs")));
  });

  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function executionLink(syncId, execution, text) {
  return h("a", { href: `#/syncs/${encodeURIComponent(syncId)}/executions/${encodeURIComponent(execution.id)}` }, text);
}

function executionRow(syncId, execution) {
  const counts = execution.counts ?? {};
  return h("tr", { "data-execution-id": execution.id },
    h("td", {}, executionLink(syncId, execution, formatTime(execution.started_at ?? execution.created_at))),
    h("td", {}, statusBadge(execution.status)),
    h("td", {}, execution.type),
    h("td", { class: "number" }, formatNumber(counts.insert)),
    h("td", { class: "number" }, formatNumber(counts.update)),
    h("td", { class: "number" }, formatNumber(counts.delete)),
    h("td", { class: "number" }, formatNumber(counts.error)),
    h("td", { class: "number" }, formatDuration(execution.started_at, execution.completed_at)));
}
