#!/usr/bin/env node
// The `krylov` launcher. After `npm run build` it runs the compiled dist/main.js. Straight after
// `npm ci` (nothing built) it runs src/main.ts through tsx, with the `source` export condition
// so that every @krylov-ts/* import resolves to the packages' src/*.ts as well.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/main.js", import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
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
