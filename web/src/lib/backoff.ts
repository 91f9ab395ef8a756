// Reconnect delays: exponential with "equal jitter", capped, so clients don't reconnect in step.

export interface BackoffOptions {
  base?: number; // ms for the first retry
  max?: number; // cap in ms
}

/** Delay before reconnect attempt `attempt` (0-based); `random` is in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: number = Math.random()): number {
  const base = options.base ?? 500;
  const max = options.max ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
