// Cache keys of the admin screens; a list's key without its page or search is the prefix
// that refreshes every page of it.
export const adminKeys = {
  stats: () => ["admin", "stats"] as const,
  backups: () => ["admin", "backups"] as const,
  history: (weeks: number) => ["admin", "history", weeks] as const,
  quota: () => ["admin", "quota"] as const,
  activity: () => ["admin", "activity"] as const,
  host: () => ["admin", "host"] as const,
  lan: () => ["admin", "lan"] as const,
  queue: () => ["admin", "queue"] as const,
  workers: () => ["admin", "workers"] as const,
  featured: () => ["admin", "featured"] as const,
  config: () => ["admin", "config"] as const,
  categories: () => ["admin", "categories"] as const,
  invitations: (page?: number) => (page === undefined ? ["admin", "invitations"] : ["admin", "invitations", page]) as readonly unknown[],
  users: (q?: string, page?: number) => (q === undefined ? ["admin", "users"] : ["admin", "users", q, page]) as readonly unknown[],
};
