// The API client: JSON over fetch with the bearer token, errors as typed exceptions.
import { humanize } from "./messages";
import { nextTask } from "./nextTask";

const TOKEN_KEY = "clipset.token";

export const tokenStore = {
  get(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string | null) {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

/** An error answer from the API (`{detail, error_code, field}`) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  /** The server's own words, for screens with their own wording of a field's rule. */
  readonly raw: string;

  constructor(status: number, code: string, detail: string, field?: string, raw?: string) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    this.raw = raw ?? detail;
  }

  get isAuth() {
    return this.status === 401;
  }
  get isNotFound() {
    return this.status === 404;
  }
}

const FALLBACK: Record<number, string> = {
  0: "Can't reach Clipset. Check your connection and try again.",
  400: "That request wasn't valid.",
  401: "Please sign in again.",
  403: "You're not allowed to do that.",
  404: "That doesn't exist (or you can't see it).",
  409: "That conflicts with something that already exists.",
  413: "That's too large, or over your weekly upload quota.",
  415: "That file type isn't supported.",
  422: "That file couldn't be read as a video.",
  429: "Too many attempts. Wait a moment and try again.",
  500: "Something went wrong on the server.",
  503: "Clipset is busy. Try again in a moment.",
  507: "The server's disk is full.",
};

/** Turn a response status and (possibly non-JSON) body into an ApiError with words. */
export function toApiError(status: number, body: unknown): ApiError {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  let detail = typeof b.detail === "string" && b.detail ? b.detail : "";
  if (!detail) detail = FALLBACK[status] ?? FALLBACK[Math.floor(status / 100) * 100] ?? `Request failed (${status}).`;
  const code = typeof b.error_code === "string" ? b.error_code : status === 0 ? "network_error" : `http_${status}`;
  const field = typeof b.field === "string" ? b.field : undefined;
  const words = status === 400 || status === 422 ? humanize(detail, field) : detail;
  return new ApiError(status, code, words, field, detail);
}

/** A message in words for anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong.";
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called when a signed-in request answers 401: the session is over. */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  // Queries start while React commits a screen; sending them in a task of their own keeps
  // that commit short, so the screen paints sooner and taps are answered sooner.
  await nextTask();
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw toApiError(0, null);
  }
  if (response.status === 204) return undefined as T;
  let text: string;
  try {
    text = await response.text();
  } catch {
    // The body was cut short (a reload or navigation aborts it): a network failure.
    throw toApiError(0, null);
  }
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const err = toApiError(response.status, data);
    // Only the current session ending matters, not a late answer to an older token.
    if (err.isAuth && token && tokenStore.get() === token) unauthorizedListeners.forEach((fn) => fn());
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>("PUT", path, body ?? {}),
  del: <T = void>(path: string) => request<T>("DELETE", path),
};
