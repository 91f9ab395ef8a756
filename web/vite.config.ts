import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// The dev server proxies the API, media and WebSocket to a Clipset started with `clipset`.
const backend = process.env.CLIPSET_URL ?? "http://127.0.0.1:8420";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      "/api": { target: backend, ws: true },
      "/media": backend,
    },
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
