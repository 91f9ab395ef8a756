/** Comma-separated tags as the server keeps them: lower-case, single spaces, each once. */
export function tagList(text: string): string[] {
  const tags = text.split(",").map((t) => t.trim().split(/\s+/).join(" ").toLowerCase()).filter(Boolean);
  return [...new Set(tags)];
}
