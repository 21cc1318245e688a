"""SciPy peer of bench/csr.bench.ts: `A @ x` for CSR matrices, median time per product.

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/scipy_csr.py PROBLEMS_JSON
PROBLEMS_JSON maps a name to a Matrix Market file or to N for the 2-D Poisson 5-point matrix of
N² unknowns. Prints one JSON line {"info": peer.describe(), "result": {"ms": {name: ms},
"cpuMs": {name: ms}}}: medians per product of wall and process CPU time.
"""
import peer

peer.start()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy.io  # noqa: E402
import scipy.sparse as sp  # noqa: E402


def poisson(N):
    T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(N, N))
    return (sp.kron(sp.identity(N), T) + sp.kron(T, sp.identity(N))).tocsr()


out, cpu = {}, {}
for name, arg in json.loads(sys.argv[1]).items():
    A = poisson(arg) if isinstance(arg, int) else sp.csr_matrix(scipy.io.mmread(arg))
    x = np.random.default_rng(1).standard_normal(A.shape[1])
    reps = max(1, int(2e6 // max(A.nnz, 1)))
    ts, cs = [], []
    for _ in range(40):
        t, c = time.perf_counter(), time.process_time()
        for _ in range(reps):
            A @ x
        ts.append((time.perf_counter() - t) / reps * 1e3)
        cs.append((time.process_time() - c) / reps * 1e3)
    out[name] = float(np.median(ts))
    cpu[name] = float(np.median(cs))
print(json.dumps({"info": peer.describe(), "result": {"ms": out, "cpuMs": cpu}}))
