// Builds the explorer page into the Python package (src/foedus/server/static/), which the
// FastAPI app mounts at `/`. Relative asset paths, no CDN: the page works offline.
// Swagger UI's script and stylesheet (npm swagger-ui-dist) are copied to static/swagger/, from
// which the app serves /docs (src/foedus/server/app.py).
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const outDir = fileURLToPath(new URL("../src/foedus/server/static", import.meta.url));
const require = createRequire(import.meta.url);

function swaggerUi() {
  return {
    name: "foedus-swagger-ui",
    apply: "build",
    closeBundle() {
      const from = dirname(require.resolve("swagger-ui-dist/package.json"));
      const to = join(outDir, "swagger");
      mkdirSync(to, { recursive: true });
      for (const f of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) copyFileSync(join(from, f), join(to, f));
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [swaggerUi()],
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
