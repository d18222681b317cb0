// The public /api/v1, and the session's token (sessionStorage: gone with the tab).
const KEY = "airwork.token";

/** An API refusal: its HTTP status and the problem's one-line detail. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

/** Call the API: JSON (or FormData) in, JSON out; throws ApiError on a 4xx/5xx. */
export async function api(path, { method = "GET", json, form, raw = false, auth = true } = {}) {
  const headers = {};
  if (auth && token()) headers.Authorization = `Bearer ${token()}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  const response = await fetch(`/api/v1${path}`, { method, headers, body });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, detail);
  }
  if (raw) return response;
  return response.json();
}

/** A job's output as a Blob (for downloads). */
export async function fileBlob(jobId, name) {
  const r = await api(`/jobs/${encodeURIComponent(jobId)}/files/${encodeURIComponent(name)}`, { raw: true });
  return r.blob();
}
