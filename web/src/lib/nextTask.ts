import { useEffect, useState } from "react";

// Work that can wait for the browser to paint: a fresh task through a message channel
// (setTimeout may be clamped or throttled; a resolved promise would run in the same task).

/** Resolves in a new task, after whatever the current one (a render, a commit) is doing. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Run `fn` when the browser is idle (or soon, where it has no idle callbacks). */
export function whenIdle(fn: () => void, timeoutMs = 2000): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(fn, { timeout: timeoutMs });
  else setTimeout(fn, 1);
}

/** False until the task after the first commit in which `ready` held, true from then on:
 * what can follow the first paint of a screen (comments, clips below the fold) waits. */
export function useAfterFirstTask(ready = true): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (!ready || after) return;
    let live = true;
    void nextTask().then(() => { if (live) setAfter(true); });
    return () => { live = false; };
  }, [ready, after]);
  return after;
}
