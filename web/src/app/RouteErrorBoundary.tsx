// What a page shows when it can't be loaded or crashes, instead of a blank screen. A chunk
// that can't be fetched means either the app was updated (its hashed file names changed:
// reload once to get the new ones) or the server can't be reached (say so, and try again
// by itself until it answers).
import { Component, useEffect, type ReactNode } from "react";
import { useLocation } from "react-router-dom";
import { backoffDelay } from "@/lib/backoff";
import { isChunkError, resetFailedPages } from "./lazyPage";

const RELOADED = "clipset.reloaded-for";

/** The entry script's name in this document, to compare with the server's index.html. */
function entryScript(html: string): string | null {
  return html.match(/src="([^"]*\/assets\/[^"]+\.js)"/)?.[1] ?? null;
}

/** The entry script the server names now; null while the server can't be reached. */
async function servedEntry(): Promise<string | null> {
  try {
    const r = await fetch("/", { cache: "no-store", headers: { Accept: "text/html" } });
    return r.ok ? entryScript(await r.text()) ?? "" : null;
  } catch {
    return null;
  }
}

interface State { error: unknown; attempt: number }

class Boundary extends Component<{ children: ReactNode; onError: (err: unknown, attempt: number) => void }, State> {
  state: State = { error: null, attempt: 0 };
  static getDerivedStateFromError(error: unknown) { return { error }; }
  componentDidCatch(error: unknown) { this.props.onError(error, this.state.attempt); }
  retry = () => {
    resetFailedPages();
    this.setState((s) => ({ error: null, attempt: s.attempt + 1 }));
  };
  render() {
    if (this.state.error == null) return this.props.children;
    return <PageError error={this.state.error} attempt={this.state.attempt} retry={this.retry} />;
  }
}

function PageError({ error, attempt, retry }: { error: unknown; attempt: number; retry: () => void }) {
  const chunk = isChunkError(error);
  useEffect(() => {
    if (!chunk) return;
    let cancelled = false;
    // Try again when the browser is back online, and meanwhile now and then.
    const t = setTimeout(retry, backoffDelay(attempt, { base: 1000, max: 15_000 }));
    const online = () => { if (!cancelled) retry(); };
    window.addEventListener("online", online);
    return () => { cancelled = true; clearTimeout(t); window.removeEventListener("online", online); };
  }, [chunk, attempt, retry]);
  return (
    <div role="alert" className="mx-auto my-16 max-w-md px-6 text-center" data-testid="page-error">
      <h1 className="mb-2 text-2xl font-bold">{chunk ? "Can't load this page" : "Something went wrong"}</h1>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        {chunk
          ? "Clipset can't be reached right now. Check your connection; the page will load by itself once Clipset answers again."
          : "This page ran into a problem. Trying again often helps."}
      </p>
      <button className="btn-primary" onClick={retry}>Try again</button>
    </div>
  );
}

/** Around each page: a failure stays inside the page, and moving elsewhere clears it. */
export function RouteErrorBoundary({ children }: { children: ReactNode }) {
  const location = useLocation();
  async function onError(err: unknown, attempt: number) {
    if (!isChunkError(err)) return;
    const served = await servedEntry();
    if (served == null) return; // offline: PageError keeps trying
    const mine = entryScript(document.documentElement.outerHTML);
    // A new build (its chunks have new names), or a chunk that keeps failing although the
    // server answers (the browser remembers failed modules): only a reload cures that.
    // Once per build and page, so a broken build shows the error instead of looping.
    const once = `${served} ${location.pathname}`;
    if ((served !== mine || attempt >= 2) && sessionStorage.getItem(RELOADED) !== once) {
      sessionStorage.setItem(RELOADED, once);
      window.location.reload();
    }
  }
  return <Boundary key={location.pathname} onError={onError}>{children}</Boundary>;
}
