// Lazily loaded pages that can be fetched again. A failed `import()` stays failed in the
// browser's module map, and React.lazy remembers the failure too, so a retry loads the
// chunk under a fresh URL and renders a fresh lazy component.
import { createElement, lazy, type ComponentType } from "react";

type Loader<T> = () => Promise<{ default: ComponentType<T> }>;

const resets = new Set<() => void>();
/** Forget every page that failed to load, so the next render fetches it again. */
export function resetFailedPages() {
  resets.forEach((fn) => fn());
}

/** The chunk URL in a failed dynamic import's message ("…module: http://host/assets/x.js"). */
export function chunkUrl(err: unknown): string | null {
  const m = String((err as Error)?.message ?? "").match(/(https?:\/\/\S+?\.js)\b/);
  return m ? m[1] : null;
}

export function isChunkError(err: unknown): boolean {
  const msg = String((err as Error)?.message ?? "");
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported|Unable to preload CSS/i.test(msg);
}

export function lazyPage<T extends object>(load: Loader<T>): ComponentType<T> {
  let lastUrl: string | null = null;
  let attempt = 0;
  const loadAgain: Loader<T> = () => {
    const first = attempt++ === 0 || !lastUrl;
    const p = first ? load() : import(/* @vite-ignore */ `${lastUrl}?retry=${attempt}`) as ReturnType<Loader<T>>;
    return p.catch((err) => {
      lastUrl = chunkUrl(err) ?? lastUrl;
      failed = true;
      throw err;
    });
  };
  let failed = false;
  let Lazy = lazy(loadAgain);
  resets.add(() => {
    if (!failed) return;
    failed = false;
    Lazy = lazy(loadAgain);
  });
  return function Page(props: T) {
    return createElement(Lazy as ComponentType<T>, props);
  };
}
