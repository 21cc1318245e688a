"""SciPy reference figures for bench/lobpcg.bench.ts.

Usage: KRYLOV_PEER_THREADS=T python3 bench/scipy_lobpcg.py DIR RUNS
DIR holds N (grid side), k, tol, d.f64 (the added diagonal), X0.f64 (n×k start block, column-major)
from the TypeScript benchmark. A = 2-D Poisson 5-point (Dirichlet) + diag(d) as CSR; B = I;
preconditioner M = diag(A)⁻¹ (Jacobi). SciPy's tolerance is absolute on ‖Ax − λx‖, so it is given
tol·2λₖ (our relative test's scale for unit x). Prints one JSON object.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402

peer.start()

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.linalg as sla  # noqa: E402


def main():
    d, runs = sys.argv[1], int(sys.argv[2])
    cfg = json.load(open(os.path.join(d, "cfg.json")))
    N, k, tol, lam_k = cfg["N"], cfg["k"], cfg["tol"], cfg["lamK"]
    n = N * N
    T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(N, N))
    I = sp.identity(N)
    dd = np.fromfile(os.path.join(d, "d.f64"), dtype="<f8")
    A = (sp.kron(I, T) + sp.kron(T, I) + sp.diags(dd)).tocsr()
    X0 = np.fromfile(os.path.join(d, "X0.f64"), dtype="<f8").reshape(k, n).T.copy()
    M = sp.diags(1.0 / A.diagonal()).tocsr()
    out = {"peer": peer.describe(), "scipy": scipy.__version__}
    for name, pre in (("plain", None), ("jacobi", M)):
        count = [0]

        def mv(X):
            count[0] += X.shape[1] if X.ndim == 2 else 1
            return A @ X

        L = sla.LinearOperator(A.shape, matvec=mv, matmat=mv, dtype=np.float64)
        vals, vecs, hist = sla.lobpcg(L, X0.copy(), M=pre, tol=tol * 2 * lam_k, largest=False, maxiter=2000, retResidualNormsHistory=True)
        res = [float(np.linalg.norm(A @ vecs[:, i] - vals[i] * vecs[:, i])) for i in range(k)]
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            sla.lobpcg(A, X0.copy(), M=pre, tol=tol * 2 * lam_k, largest=False, maxiter=2000)
            ts.append((time.perf_counter() - t) * 1e3)
        ts.sort()
        out[name] = {"values": sorted(vals.tolist()), "iterations": len(hist) - 1, "matvecs": count[0], "ms": ts[len(ts) // 2], "residuals": res}
    print(json.dumps(out))


main()
