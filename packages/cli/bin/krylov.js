#!/usr/bin/env node
// The `krylov` launcher. It runs the compiled dist/main.js (built by the root `prepare` script at
// `npm ci`, and shipped in the published package). In the workspace, when any package's src/ is
// newer than that build (an edit not yet rebuilt: checked only in the workspace, recognised by the
// package's tsconfig.json, which is not published), or when nothing is built, it runs src/main.ts
// through tsx instead, with the `source` export condition so that every @krylov-ts/* import
// resolves to the packages' src/*.ts as well; so the command never runs stale code.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = fileURLToPath(new URL("../dist/main.js", import.meta.url));
// `npm run build` writes dist/build-stamp after tsc -b (which leaves unchanged outputs untouched).
const stamp = fileURLToPath(new URL("../dist/build-stamp", import.meta.url));
if (existsSync(built) && !sourcesNewerThan(statSync(existsSync(stamp) ? stamp : built).mtimeMs)) {
  await import(new URL("../dist/main.js", import.meta.url).href);
} else {
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  // Resolved from this file, so the launcher works from any working directory.
  const tsx = import.meta.resolve("tsx");
  const child = spawn(process.execPath, ["--conditions=source", `--import=${tsx}`, main, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}

/** Whether a .ts file under the src/ of this package or of its sibling @krylov-ts packages is newer than `time`. */
function sourcesNewerThan(time) {
  if (!existsSync(fileURLToPath(new URL("../tsconfig.json", import.meta.url)))) return false;
  const packages = fileURLToPath(new URL("../..", import.meta.url));
  for (const name of ["operators", "autodiff", "krylov", "cli"]) {
    if (newerIn(`${packages}/${name}/src`, time)) return true;
  }
  return false;
}

function newerIn(dir, time) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory() ? newerIn(path, time) : e.name.endsWith(".ts") && statSync(path).mtimeMs > time) return true;
  }
  return false;
}
