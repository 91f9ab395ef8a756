// Paging helpers for infinite lists (react-query's useInfiniteQuery).
import type { CursorPage, Page } from "./types";

/** Next page number of a numbered list, or undefined at the end. */
export function nextPage<T>(last: Page<T> | undefined): number | undefined {
  if (!last) return undefined;
  if (last.has_more) return last.page + 1;
  return undefined;
}

/** Next cursor of a cursor list, or undefined at the end. */
export function nextCursor<T>(last: CursorPage<T> | undefined): string | undefined {
  return last?.next_cursor ?? undefined;
}

/** All items of the loaded pages, without duplicates (a new upload can shift pages). */
export function flattenUnique<T extends { id: number | string }>(pages: { items: T[] }[] | undefined): T[] {
  const seen = new Set<number | string>();
  const out: T[] = [];
  for (const page of pages ?? []) {
    for (const item of page.items) {
      if (!seen.has(item.id)) {
        seen.add(item.id);
        out.push(item);
      }
    }
  }
  return out;
}
