/**
 * `npm run bench [-- NAME…]`: runs every `bench/*.bench.ts` suite (or those whose file name
 * contains one of the NAMEs) in turn; each prints its own tables. `--quick` (or
 * KRYLOV_BENCH_QUICK=1) asks each suite for a short development run.
 */
import { readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { targets } from "./lib.js";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`bench: no suite matches ${filters.join(", ") || "bench/*.bench.ts"}`);
  process.exit(2);
}
console.log(`krylov-ts benchmarks — node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(", ")} on ${cpus().length} cores`);
for (const f of files) {
  console.log(`\n## ${f}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<void> | void };
  await mod.default();
}
if (targets.length > 0) {
  console.log(`\n## Issue targets measured in this run (wall time, each side at its best thread setting; CPU time beside)\n`);
  console.log("| target | figure | met? |");
  console.log("|---|---|---|");
  for (const t of targets) console.log(`| ${t.target} | ${t.figure} | ${t.met} |`);
  if (files.includes("gemm.bench.ts")) console.log("| gemm ≥ 20 GFLOP/s on one core, ≥ 35 on two (f64) | in the gemm suite's table above (GFLOP/s per shape and backend) | read there |");
}
console.log(`\nend ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
