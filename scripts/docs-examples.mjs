#!/usr/bin/env node
/**
 * `npm run docs:examples`: reruns every example of the `krylov` command quoted in docs/cli.md and
 * README.md and writes what it printed in place of the quoted output, so the figures in the docs
 * are the ones the commands give (iterations, products, eigenvalues; times are this run's).
 *
 * An example is an indented block whose first line is `$ krylov ARGS` (an optional `# comment`
 * after the arguments is kept); the lines after it, up to the end of the block, are its output.
 * Matrix files named in ARGS are taken from ../shared/data/matrices beside the repository; an
 * example naming a file (.mtx, .csv, .json, .txt) not found there is left as it is and listed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const matrices = join(root, "..", "shared", "data", "matrices");
const bin = join(root, "packages", "cli", "bin", "krylov.js");
const work = mkdtempSync(join(tmpdir(), "krylov-docs-"));
if (existsSync(matrices)) for (const f of readdirSync(matrices)) symlinkSync(join(matrices, f), join(work, f));

const skipped = [];
let updated = 0;
for (const doc of ["docs/cli.md", "README.md"]) {
  const path = join(root, doc);
  const lines = readFileSync(path, "utf8").split("\n");
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^( {4})\$ krylov (.*?)(\s+#.*)?$/.exec(lines[i]);
    if (m === null) {
      out.push(lines[i]);
      continue;
    }
    const [, indent, argText] = m;
    let end = i + 1;
    // The output runs to the end of the indented block, or to the next example in it.
    const more = (k) => lines[k]?.startsWith(indent) === true && !lines[k].startsWith(`${indent}$ `);
    while (end < lines.length && (more(end) || (lines[end] === "" && more(end + 1)))) end++;
    const args = argText.trim().split(/\s+/);
    const missing = args.filter((a) => /\.(mtx|csv|json|txt)$/.test(a) && !existsSync(join(work, a)));
    if (missing.length > 0) {
      skipped.push(`${doc}:${i + 1} krylov ${argText} (no ${missing.join(", ")})`);
      for (let k = i; k < end; k++) out.push(lines[k]);
      i = end - 1;
      continue;
    }
    let printed;
    try {
      printed = execFileSync(process.execPath, [bin, ...args, "--quiet"], { cwd: work, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
    } catch (e) {
      printed = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
    out.push(lines[i]);
    for (const l of printed.replace(/\s+$/, "").split("\n")) out.push(l === "" ? "" : indent + l);
    updated++;
    i = end - 1;
  }
  writeFileSync(path, out.join("\n"));
}
rmSync(work, { recursive: true, force: true });
console.log(`docs:examples: ${updated} examples rerun`);
for (const s of skipped) console.log(`  left as it is: ${s}`);
