// The message line above the view, for errors of API calls and for rate limiting.

import { ApiError } from "./api.js";

const notice = document.getElementById("notice");

/** Shows a message above the view; kind "error", "info" or "rate-limit" sets its color. An empty message hides it. */
export function showNotice(message, kind = "error") {
  notice.textContent = message ?? "";
  notice.className = `notice notice-${kind}`;
  notice.hidden = !message;
}

/** Shows the error of a failed call, except a 401, after which the login page shows its own message. */
export function showError(error) {
  if (error instanceof ApiError && error.status === 401) {
    return;
  }
  showNotice(error instanceof Error ? error.message : String(error));
}
