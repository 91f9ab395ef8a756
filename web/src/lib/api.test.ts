import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, onUnauthorized, request, toApiError, withQuery } from "./api";

describe("toApiError", () => {
  it("keeps the server's detail, code and field", () => {
    const e = toApiError(413, { detail: "Only 2 MiB of your quota is left.", error_code: "quota_exceeded", field: "size" });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe("Only 2 MiB of your quota is left.");
    expect(e.code).toBe("quota_exceeded");
    expect(e.field).toBe("size");
  });

  it("says something in words when the body is not the API's", () => {
    expect(toApiError(502, "<html>").message).toMatch(/server/);
    expect(toApiError(0, null).message).toMatch(/reach Clipset/);
    expect(toApiError(0, null).code).toBe("network_error");
    expect(toApiError(429, {}).message).toMatch(/Too many/);
    expect(toApiError(418, {}).message).toBe("That request wasn't valid.");
    expect(toApiError(302, {}).message).toBe("Request failed (302).");
  });
});

describe("withQuery", () => {
  it("drops empty values and encodes the rest", () => {
    expect(withQuery("/api/videos", { q: "cats & dogs", page: 2, category_id: undefined, sort_by: "" }))
      .toBe("/api/videos?q=cats+%26+dogs&page=2");
    expect(withQuery("/api/videos")).toBe("/api/videos");
  });
});

describe("request", () => {
  const store = new Map<string, string>();
  vi.stubGlobal("localStorage", {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => store.set(k, v),
    removeItem: (k: string) => store.delete(k),
  });
  afterEach(() => {
    store.clear();
  });

  it("sends the bearer token and tells listeners when the session ended", async () => {
    store.set("clipset.token", "tok");
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ detail: "Token expired.", error_code: "token_expired" }), { status: 401 }));
    vi.stubGlobal("fetch", fetchMock);
    const ended = vi.fn();
    const off = onUnauthorized(ended);
    await expect(request("GET", "/api/auth/me")).rejects.toMatchObject({ status: 401, code: "token_expired" });
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer tok");
    expect(ended).toHaveBeenCalledOnce();
    off();
  });

  it("turns a failed fetch into a network error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("Failed to fetch"); }));
    await expect(request("GET", "/api/health")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("turns a body cut short (a reload mid-answer) into a network error, not a sign-out", async () => {
    store.set("clipset.token", "tok");
    const cut = { ok: true, status: 200, text: async () => { throw new DOMException("aborted", "AbortError"); } };
    vi.stubGlobal("fetch", vi.fn(async () => cut as unknown as Response));
    const ended = vi.fn();
    const off = onUnauthorized(ended);
    await expect(request("GET", "/api/auth/me")).rejects.toMatchObject({ status: 0, code: "network_error" });
    expect(ended).not.toHaveBeenCalled();
    expect(store.get("clipset.token")).toBe("tok");
    off();
  });

  it("returns undefined for 204", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(null, { status: 204 })));
    await expect(request("POST", "/api/auth/logout")).resolves.toBeUndefined();
  });
});
