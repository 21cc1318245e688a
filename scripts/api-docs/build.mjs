#!/usr/bin/env node
/**
 * `npm run docs:api`: writes the API reference of the four packages, generated from their TSDoc
 * by TypeDoc, as static HTML under docs/api/.
 *
 * TypeDoc runs on the TypeScript 5 compiler API; the project compiles with TypeScript 7 (the
 * native compiler), which has no such API. So this folder has its own package.json and lock
 * pinning TypeDoc and TypeScript 5.9, installed here (`npm ci` in this folder) on first use.
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
if (!existsSync(`${here}node_modules/typedoc`)) {
  execFileSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: here, stdio: "inherit" });
}
rmSync(`${root}docs/api`, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    `${here}node_modules/typedoc/bin/typedoc`,
    "--tsconfig", `${here}tsconfig.json`,
    "--name", "krylov-ts",
    "--readme", `${root}README.md`,
    "--out", `${root}docs/api`,
    "--entryPointStrategy", "resolve",
    "--excludePrivate", "--excludeInternal",
    "--githubPages", "false",
    "--disableSources",
    "--hideGenerator",
    "--validation.notExported", "false",
    `${root}packages/operators/src/index.ts`,
    `${root}packages/autodiff/src/index.ts`,
    `${root}packages/krylov/src/index.ts`,
    `${root}packages/cli/src/index.ts`,
  ],
  { cwd: root, stdio: "inherit" },
);
