// The dashboard's entry point: a hash router over the login page, the syncs list, a sync and an execution.
// Every view returns a function that stops its timers when the user leaves it.

import { ApiError, clearKey, events, get, storedKey, storeKey } from "./api.js";
import { h } from "./dom.js";
import { showError, showNotice } from "./notice.js";
import { executionView } from "./execution.js";
import { syncView } from "./sync.js";
import { syncsView } from "./syncs.js";

const main = document.getElementById("main");
const identity = document.getElementById("identity");
const notice = document.getElementById("notice");
const logout = document.getElementById("logout");

let stopView = () => {};
let loginMessage = null;

events.onRateLimited = (seconds) => {
  showNotice(`The server is rate-limiting this API key: retrying in ${seconds} s.`, "rate-limit");
};

events.onRateLimitPassed = () => {
  if (notice.classList.contains("notice-rate-limit")) {
    showNotice(null);
  }
};

events.onUnauthorized = () => {
  clearKey();
  loginMessage = "The server rejected the API key (401). Enter a valid key.";
  route();
};

logout.addEventListener("click", () => {
  clearKey();
  loginMessage = null;
  identity.textContent = "";
  window.location.hash = "#/";
  route();
});

window.addEventListener("hashchange", route);
route();

function route() {
  stopView();
  stopView = () => {};
  showNotice(null);
  main.replaceChildren();

  if (!storedKey()) {
    logout.hidden = true;
    main.append(loginView());
    return;
  }

  logout.hidden = false;
  if (!identity.textContent) {
    showIdentity();
  }

  const parts = window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) {
    stopView = syncsView(main);
  } else if (parts.length === 2 && parts[0] === "syncs") {
    stopView = syncView(main, parts[1]);
  } else if (parts.length === 4 && parts[0] === "syncs" && parts[2] === "executions") {
    stopView = executionView(main, parts[1], parts[3]);
  } else {
    main.append(h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "#/" }, "Back to the syncs")));
  }
}

async function showIdentity() {
  try {
    const me = await get("api/me");
    identity.textContent = `Organization: ${me.data.organization_name}`;
  } catch (error) {
    showError(error);
  }
}

function loginView() {
  const input = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
  });
  const error = h("p", { id: "login-error", class: "form-error", role: "alert" });
  if (loginMessage) {
    error.textContent = loginMessage;
  }

  const submit = h("button", { type: "submit" }, "Log in");
  const form = h(
    "form",
    { class: "login", "aria-describedby": "login-help" },
    h("h1", {}, "Log in"),
    h("p", { id: "login-help" },
      "Paste an Outflow API key. It is kept in this tab's session storage only and sent with each API request."),
    h("label", { for: "api-key" }, "API key"),
    input,
    submit,
    error,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = "Enter an API key.";
      return;
    }
    submit.disabled = true;
    error.textContent = "";
    try {
      const me = await get("api/me", { key });
      storeKey(key);
      loginMessage = null;
      identity.textContent = `Organization: ${me.data.organization_name}`;
      route();
    } catch (failure) {
      error.textContent = failure instanceof ApiError && failure.status === 401
        ? "The server rejected this API key (401). Check the key and try again."
        : failure.message;
    } finally {
      submit.disabled = false;
    }
  });

  queueMicrotask(() => input.focus());
  return form;
}
