// Builds the explorer page into the Python package (src/foedus/server/static/), which the
// FastAPI app mounts at `/`. Relative asset paths, no CDN: the page works offline.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const outDir = fileURLToPath(new URL("../src/foedus/server/static", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2020",
    chunkSizeWarningLimit: 1500,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
});
