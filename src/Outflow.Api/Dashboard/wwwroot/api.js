// Calls to Outflow's JSON API with the API key that the user entered. The key lives in sessionStorage only,
// so it is gone when the tab closes, and it is sent in the Authorization header, never in a URL or a cookie.

const KEY_STORAGE_NAME = "outflow.apiKey";

// A 429 is retried after its Retry-After delay at most this many times before the error is shown.
const MAX_RATE_LIMITED_RETRIES = 3;

// Retry-After is capped so that a wrong header cannot freeze the page.
const MAX_RETRY_AFTER_SECONDS = 30;

export function storedKey() {
  return sessionStorage.getItem(KEY_STORAGE_NAME);
}

export function storeKey(key) {
  sessionStorage.setItem(KEY_STORAGE_NAME, key);
}

export function clearKey() {
  sessionStorage.removeItem(KEY_STORAGE_NAME);
}

/** An error response of the API, with its HTTP status and the ApiError message when the body has one. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** Callbacks that the page sets, to show the wait after a 429 and to return to the login page after a 401. */
export const events = {
  onRateLimited: (_seconds) => {},
  onRateLimitPassed: () => {},
  onUnauthorized: () => {},
};

/**
 * Sends a request to an API path such as "api/syncs" and returns the parsed JSON body, or null when it is empty.
 * Throws ApiError on an error status; a 401 also calls events.onUnauthorized unless options.key is given.
 */
export async function request(method, path, body, options = {}) {
  const key = options.key ?? storedKey();
  for (let retry = 0; ; retry++) {
    const headers = { Accept: "application/json", Authorization: `Bearer ${key}` };
    const init = { method, headers, cache: "no-store", credentials: "omit" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }

    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, `The server could not be reached (${method} ${path}): ${error.message}`);
    }

    if (response.status === 429 && retry < MAX_RATE_LIMITED_RETRIES) {
      const seconds = retryAfterSeconds(response.headers.get("Retry-After"));
      events.onRateLimited(seconds);
      await sleep(seconds * 1000);
      continue;
    }

    if (retry > 0) {
      events.onRateLimitPassed();
    }

    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) {
      if (response.status === 401 && options.key === undefined) {
        events.onUnauthorized();
      }
      throw new ApiError(response.status, errorMessage(method, path, response, json));
    }
    return json;
  }
}

export const get = (path, options) => request("GET", path, undefined, options);
export const post = (path, body) => request("POST", path, body ?? {});

/** Returns the path with its query parameters, leaving out the ones whose value is null or undefined. */
export function withQuery(path, parameters) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined) {
      query.set(name, String(value));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function retryAfterSeconds(header) {
  const seconds = Number.parseInt(header ?? "", 10);
  if (Number.isNaN(seconds) || seconds < 1) {
    return 1;
  }
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}

function parseJson(text) {
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorMessage(method, path, response, json) {
  const detail = json && typeof json.message === "string" ? json.message : response.statusText;
  if (response.status === 429) {
    return `Too many requests: the server rate-limited ${method} ${path}. Wait a few seconds and try again.`;
  }
  return `${method} ${path} failed with ${response.status}: ${detail}`;
}

export function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
