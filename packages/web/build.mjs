#!/usr/bin/env node
/**
 * `npm run build:web` (or `node packages/web/build.mjs`): bundles the demo page with esbuild into
 * packages/web/dist/ — index.html, style.css, main.js (the page) and worker.js (the computations),
 * each with its source map. The packages are bundled from their TypeScript sources (the `source`
 * export condition); the Node built-ins that @krylov-ts/cli imports for the command line are
 * replaced by stubs (below), csv-parse by its browser build, and vega (the CLI's SVG renderer, loaded only on demand) is left out.
 *
 * `--serve [PORT]` then serves dist/ on 127.0.0.1 (cross-origin isolated, so the page may use
 * SharedArrayBuffer) until interrupted.
 */
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = `${here}dist`;
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
/**
 * Node built-ins imported by the CLI's modules (for reading files and argv, never called by the
 * page) become stubs that throw if called: the names each importer takes are read from its
 * import statement, so a new import does not break the page's build.
 */
const nodeStubs = {
  name: "node-stubs",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: `${args.path}|${args.importer}`, namespace: "node-stub" }));
    b.onLoad({ filter: /.*/, namespace: "node-stub" }, (args) => {
      const [module, importer] = args.path.split("|");
      const text = readFileSync(importer, "utf8");
      const names = new Set();
      const pattern = new RegExp(`import\\s*(?:type\\s*)?\\{([^}]*)\\}\\s*from\\s*["']${module}["']`, "g");
      for (const m of text.matchAll(pattern)) {
        for (const part of m[1].split(",")) {
          const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
          if (name) names.add(name);
        }
      }
      const body = [...names].map((n) => `export const ${n} = () => { throw new Error("${module}: ${n} is not available in the browser"); };`);
      return { contents: `${body.join("\n")}\nexport default {};\n`, loader: "js" };
    });
  },
};
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
  alias: { "csv-parse/sync": csvParseSync },
  plugins: [nodeStubs],
  external: ["vega", "vega-lite"],
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) copyFileSync(`${here}src/${f}`, `${dist}/${f}`);
// The worker pool's script, which the bundled pool loads from beside itself (a same-origin file,
// allowed by the page's worker-src 'self'; a blob: fallback would need worker-src blob:).
copyFileSync(fileURLToPath(new URL("../operators/src/pool/krylov-pool-worker.js", import.meta.url)), `${dist}/krylov-pool-worker.js`);
console.log(`build:web: wrote ${dist}`);

const at = process.argv.indexOf("--serve");
if (at >= 0) {
  const { url } = await serve(dist, Number(process.argv[at + 1] ?? 8080));
  console.log(`serving ${url} (Ctrl-C to stop)`);
}
