#!/usr/bin/env node
/**
 * The last step of `npm run build`: writes packages/cli/dist/build-stamp, whose time the `krylov`
 * launcher compares with the packages' sources (tsc -b leaves outputs it did not need to rewrite
 * untouched, so their times do not tell when the build last ran).
 */
import { writeFileSync } from "node:fs";

writeFileSync(new URL("../packages/cli/dist/build-stamp", import.meta.url), `${new Date().toISOString()}\n`);
