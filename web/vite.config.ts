import { defineConfig } from "vitest/config";
import tailwindcss from "@tailwindcss/vite";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** Writes `name.gz` beside each text file of the build, so the server can send the
 * compressed bytes to browsers that accept gzip without compressing per request. */
function precompress(): Plugin {
  const compressible = /\.(js|mjs|css|html|svg|json|webmanifest|txt)$/;
  let outDir = "dist";
  return {
    name: "clipset-precompress",
    apply: "build",
    configResolved(config) { outDir = config.build.outDir; },
    closeBundle() {
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) { walk(path); continue; }
          if (!compressible.test(name)) continue;
          const raw = readFileSync(path);
          if (raw.length < 1024) continue;
          const gz = gzipSync(raw, { level: 9 });
          if (gz.length < raw.length * 0.9) writeFileSync(`${path}.gz`, gz);
        }
      };
      walk(outDir);
    },
  };
}

// The dev server proxies the API, media and WebSocket to a Clipset started with `clipset`.
const backend = process.env.CLIPSET_URL ?? "http://127.0.0.1:8420";

export default defineConfig({
  plugins: [tailwindcss(), precompress()],
  // `@/` is the app's source root, so a module names what it imports by where it lives.
  resolve: {
    alias: [
      { find: "@", replacement: resolve(fileURLToPath(new URL(".", import.meta.url)), "src") },
      // The app is written against React's API and runs on Preact's: the same components
      // in a runtime a tenth the size, which a phone parses and starts in a fraction of
      // the time (most of the first bundle was react-dom).
      { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
      { find: /^react-dom$/, replacement: "preact/compat" },
      { find: /^react$/, replacement: "preact/compat" },
      { find: /^react\/jsx-(dev-)?runtime$/, replacement: "preact/jsx-runtime" },
    ],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      // React Query marks its modules "use client", which only means something to a
      // server-rendering bundler; this app renders in the browser alone.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: backend, ws: true },
      "/media": backend,
    },
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
