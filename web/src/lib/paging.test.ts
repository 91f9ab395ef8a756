import { describe, expect, it } from "vitest";
import { flattenUnique, nextCursor, nextPage } from "./paging";

const page = (n: number, has_more: boolean, ids: number[]) => ({
  items: ids.map((id) => ({ id })), total_count: 0, page: n, page_size: 2, total_pages: 0, has_more,
});

describe("paging", () => {
  it("asks for the next page only while there is more", () => {
    expect(nextPage(page(1, true, [1, 2]))).toBe(2);
    expect(nextPage(page(3, false, [5]))).toBeUndefined();
    expect(nextPage(undefined)).toBeUndefined();
  });

  it("follows cursors until null", () => {
    expect(nextCursor({ items: [], next_cursor: "abc", as_of: "2026-01-01T00:00:00Z" })).toBe("abc");
    expect(nextCursor({ items: [], next_cursor: null, as_of: "2026-01-01T00:00:00Z" })).toBeUndefined();
  });

  it("flattens pages without duplicates", () => {
    expect(flattenUnique([page(1, true, [3, 2]), page(2, false, [2, 1])]).map((v) => v.id)).toEqual([3, 2, 1]);
  });
});
