#!/usr/bin/env node
/**
 * `npm run build:web` (or `node packages/web/build.mjs`): bundles the demo page with esbuild into
 * packages/web/dist/ — index.html, style.css, main.js (the page) and worker.js (the computations),
 * each with its source map. The packages are bundled from their TypeScript sources (the `source`
 * export condition); the Node built-ins that @krylov-ts/cli imports for the command line are
 * replaced by src/node-shim.ts, csv-parse by its browser build, and vega (the CLI's SVG renderer, loaded only on demand) is left out.
 *
 * `--serve [PORT]` then serves dist/ on 127.0.0.1 (cross-origin isolated, so the page may use
 * SharedArrayBuffer) until interrupted.
 */
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = `${here}dist`;
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const shim = `${here}src/node-shim.ts`;
// csv-parse's Node entry uses Node's Buffer; its browser build (with its own Buffer) sits beside it.
const csvParseSync = fileURLToPath(new URL("../dist/esm/sync.js", import.meta.resolve("csv-parse/sync")));
await build({
  entryPoints: { main: `${here}src/main.ts`, worker: `${here}src/worker.ts` },
  outdir: dist,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  conditions: ["source"],
  alias: { "node:fs": shim, "node:util": shim, "csv-parse/sync": csvParseSync },
  external: ["vega", "vega-lite"],
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) copyFileSync(`${here}src/${f}`, `${dist}/${f}`);
console.log(`build:web: wrote ${dist}`);

const at = process.argv.indexOf("--serve");
if (at >= 0) {
  const { url } = await serve(dist, Number(process.argv[at + 1] ?? 8080));
  console.log(`serving ${url} (Ctrl-C to stop)`);
}
