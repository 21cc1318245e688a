"""SciPy reference figures for bench/svds.bench.ts.

Usage: KRYLOV_PEER_THREADS=T python3 bench/scipy_svds.py DIR RUNS
DIR holds, for each case NAME listed in cases.json ({name, m, n, k, which, tol}), the COO of its
matrix written by the TypeScript benchmark from its seeded stream (little-endian): NAME.rows.i32,
NAME.cols.i32, NAME.vals.f64. Each case runs scipy.sparse.linalg.svds with the solvers 'arpack',
'lobpcg' and 'propack' (which 'LM' or 'SM'); products with A and Aᵀ are counted through a
LinearOperator wrapper (LOBPCG's block products count one per column), the true residuals
max(‖Av − σu‖, ‖Aᵀu − σv‖) recomputed, and the time is the median of RUNS calls on the matrix
itself. Where the matrix is small enough, `exact` holds the dense SVD's values. Prints one JSON object.
"""
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402

peer.start()

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.linalg as sla  # noqa: E402


def counted(A):
    count = [0]

    def mv(x):
        count[0] += 1 if x.ndim == 1 else x.shape[1]
        return A @ x

    def rmv(y):
        count[0] += 1 if y.ndim == 1 else y.shape[1]
        return A.T @ y

    return sla.LinearOperator(A.shape, matvec=mv, rmatvec=rmv, matmat=mv, rmatmat=rmv, dtype=np.float64), count


def main():
    d, runs = sys.argv[1], int(sys.argv[2])
    cases = json.load(open(os.path.join(d, "cases.json")))
    out = {"peer": peer.describe(), "scipy": scipy.__version__, "cases": {}}
    warnings.simplefilter("ignore")
    for c in cases:
        name = c["name"]
        rows = np.fromfile(os.path.join(d, name + ".rows.i32"), dtype="<i4")
        cols = np.fromfile(os.path.join(d, name + ".cols.i32"), dtype="<i4")
        vals = np.fromfile(os.path.join(d, name + ".vals.f64"), dtype="<f8")
        A = sp.csr_matrix((vals, (rows, cols)), shape=(c["m"], c["n"]))
        which = "LM" if c["which"] == "largest" else "SM"
        res = {}
        if c["m"] * c["n"] <= 2_000_000:  # the dense reference, where it fits
            sv = np.linalg.svd(A.toarray(), compute_uv=False)
            res["exact"] = {"values": (sv[: c["k"]] if which == "LM" else np.sort(sv)[: c["k"]]).tolist(), "sigma1": float(sv[0])}
        for solver in c["solvers"]:
            L, count = counted(A)
            try:
                t = time.perf_counter()
                u, s, vt = sla.svds(L, k=c["k"], which=which, tol=c["tol"], solver=solver, random_state=0, maxiter=c.get("maxiter"))
                first = (time.perf_counter() - t) * 1e3
            except Exception as e:  # noqa: BLE001 — reported, not fatal
                res[solver] = {"error": f"{type(e).__name__}: {e}"[:200]}
                continue
            order = np.argsort(-s) if which == "LM" else np.argsort(s)
            s, u, vt = s[order], u[:, order], vt[order]
            resid = [float(max(np.linalg.norm(A @ vt[i] - s[i] * u[:, i]), np.linalg.norm(A.T @ u[:, i] - s[i] * vt[i]))) for i in range(c["k"])]
            ts = [first]
            for _ in range(runs - 1):
                t = time.perf_counter()
                sla.svds(A, k=c["k"], which=which, tol=c["tol"], solver=solver, random_state=0, maxiter=c.get("maxiter"))
                ts.append((time.perf_counter() - t) * 1e3)
            ts.sort()
            res[solver] = {"values": s.tolist(), "matvecs": count[0], "ms": ts[len(ts) // 2], "residuals": resid}
        out["cases"][name] = res
    print(json.dumps(out))


main()
