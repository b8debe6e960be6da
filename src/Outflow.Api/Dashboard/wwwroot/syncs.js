// The syncs list: each sync's mode, active flag, last status, last completion and next scheduled run.

import { get, withQuery } from "./api.js";
import { showError } from "./notice.js";
import { formatTime, h, statusBadge } from "./dom.js";

const REFRESH_MILLISECONDS = 5000;

export function syncsView(main) {
  const body = h("tbody");
  const more = h("button", { type: "button", hidden: true }, "Load more syncs");
  main.append(
    h("h1", {}, "Syncs"),
    h("table", { class: "syncs" },
      h("caption", { class: "visually-hidden" }, "Syncs with their last execution and next scheduled run"),
      h("thead", {}, h("tr", {},
        ["Name", "Mode", "Active", "Last status", "Last completed", "Next run"].map((name) => h("th", { scope: "col" }, name)))),
      body),
    more,
  );

  let stopped = false;
  let timer = null;
  let nextPageToken = null;
  const rows = new Map();

  async function loadPage(token) {
    const page = await get(withQuery("api/syncs", { page_token: token }));
    if (stopped) {
      return;
    }
    for (const sync of page.data) {
      const row = syncRow(sync);
      rows.set(sync.id, row);
      body.append(row.element);
    }
    nextPageToken = page.pagination?.next_page_token ?? null;
    more.hidden = !nextPageToken;
    if (rows.size === 0) {
      body.append(h("tr", {}, h("td", { colspan: 6, class: "empty" },
        "No syncs yet. Create one with POST /api/syncs; the README's quickstart shows how.")));
    }
    await refreshStatuses(page.data.map((sync) => sync.id));
  }

  async function refreshStatuses(ids) {
    await Promise.all(ids.map(async (id) => {
      const status = (await get(`api/syncs/${encodeURIComponent(id)}/status`)).data;
      if (!stopped) {
        rows.get(id)?.update(status);
      }
    }));
  }

  async function refreshLoop() {
    try {
      await refreshStatuses([...rows.keys()]);
    } catch (error) {
      showError(error);
    }
    if (!stopped) {
      timer = setTimeout(refreshLoop, REFRESH_MILLISECONDS);
    }
  }

  more.addEventListener("click", () => loadPage(nextPageToken).catch(showError));
  loadPage(null)
    .then(() => {
      if (!stopped) {
        timer = setTimeout(refreshLoop, REFRESH_MILLISECONDS);
      }
    })
    .catch(showError);

  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function syncRow(sync) {
  const status = h("td", {}, "…");
  const completed = h("td", {}, "…");
  const next = h("td", {}, "…");
  const element = h("tr", { "data-sync-id": sync.id },
    h("th", { scope: "row" }, h("a", { href: `#/syncs/${encodeURIComponent(sync.id)}` }, sync.name)),
    h("td", {}, sync.mode),
    h("td", {}, sync.active ? "yes" : "no"),
    status,
    completed,
    next);

  function update(syncStatus) {
    const execution = syncStatus.current_execution ?? syncStatus.last_execution;
    status.replaceChildren(statusBadge(execution?.status));
    completed.textContent = formatTime(syncStatus.last_execution?.completed_at);
    next.textContent = syncStatus.next_execution_time ? formatTime(syncStatus.next_execution_time) : "not scheduled";
  }

  return { element, update };
}
