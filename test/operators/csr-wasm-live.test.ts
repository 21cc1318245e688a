/**
 * The cap on placed CSR matrices alive counts WebAssembly memories, not operators: a memory stays
 * alive as long as any of the operator's arrays (views into it) does, after the operator itself is
 * collected. Own file: the test forces garbage collections and holds ≈ 1,000 memories, which would
 * disturb the placement counts of the other CSR tests in the same process.
 */
import test from "ava";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CsrOperator, csr } from "@krylov-ts/operators";
import { MAX_LIVE_MEMORIES } from "../../packages/operators/src/csr-wasm.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** A full collection, then a few turns of the event loop for the FinalizationRegistry callbacks. */
async function collect(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Whether `a` is a view into a WebAssembly memory (a buffer longer than the array). */
function placed(a: Float64Array): boolean {
  return a.buffer.byteLength !== a.byteLength;
}

test("values kept after their operator is collected still count against the cap of placed matrices", async (t) => {
  const previous = CsrOperator.setWasm(true, 1);
  try {
    const kept: Float64Array[] = [];
    const batch = MAX_LIVE_MEMORIES - 24;
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < batch; k++) kept.push(csr([0, 1], [1, 0], [k, 1], [2, 2]).values);
      await collect(); // the operators go; their values, and so their memories, stay
    }
    const alive = kept.filter(placed).length;
    t.true(alive <= MAX_LIVE_MEMORIES, `${alive} memories alive, the cap is ${MAX_LIVE_MEMORIES}`);
    t.is(kept[2 * batch - 1]?.[0], batch - 1);
    kept.length = 0;
    let again = false; // the memories go: new matrices are placed again
    for (let round = 0; round < 20 && !again; round++) {
      await collect();
      again = placed(csr([0, 1], [1, 0], [1, 1], [2, 2]).values);
    }
    t.true(again);
  } finally {
    CsrOperator.setWasm(previous);
  }
});
