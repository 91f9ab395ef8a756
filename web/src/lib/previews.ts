// Seek previews: the WebVTT index of a sprite sheet (`sprite.jpg#xywh=x,y,w,h` per stretch
// of time), read into tiles, and the tile under a moment.

export type PreviewTile = { start: number; end: number; url: string; x: number; y: number; w: number; h: number };

function seconds(clock: string): number {
  const parts = clock.trim().split(":").map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** The tiles of an index; each cue's image is resolved against `spriteUrl` (the sheet's
 * own signed URL stands in for the name the index gives it). */
export function parsePreviews(vtt: string, spriteUrl: string): PreviewTile[] {
  const tiles: PreviewTile[] = [];
  const blocks = vtt.replace(/\r\n?/g, "\n").split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.trim().split("\n");
    const timing = lines.findIndex((l) => l.includes("-->"));
    if (timing < 0 || !lines[timing + 1]) continue;
    const [from, to] = lines[timing].split("-->");
    const m = /#xywh=(\d+),(\d+),(\d+),(\d+)/.exec(lines[timing + 1]);
    if (!m) continue;
    tiles.push({ start: seconds(from), end: seconds(to.trim().split(/\s+/)[0]), url: spriteUrl, x: +m[1], y: +m[2], w: +m[3], h: +m[4] });
  }
  return tiles;
}

/** The tile shown at `t` seconds (the last one past the end). */
export function tileAt(tiles: PreviewTile[], t: number): PreviewTile | undefined {
  return tiles.find((tile) => t >= tile.start && t < tile.end) ?? (tiles.length && t >= tiles[tiles.length - 1].start ? tiles[tiles.length - 1] : undefined);
}
