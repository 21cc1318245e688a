"""SciPy reference figures for bench/lsq.bench.ts.

Usage: KRYLOV_PEER_THREADS=T python3 bench/scipy_lsq.py DIR RUNS
DIR holds the problem written by the TypeScript benchmark from its seeded streams (little-endian):
rows.i32, cols.i32, vals.f64 (COO of the m×n least-squares matrix), shape.json, b.f64, and for the
Gauss–Newton fit t.f64, y.f64, p0.f64. Products are counted through a LinearOperator wrapper
around the CSR matrix (the timed runs use the matrix itself). Prints one JSON object.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer  # noqa: E402

peer.start()  # the thread count, before numpy loads

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.linalg as sla  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402


def counted(A):
    count = [0]

    def mv(x):
        count[0] += 1
        return A @ x

    def rmv(y):
        count[0] += 1
        return A.T @ y

    return sla.LinearOperator(A.shape, matvec=mv, rmatvec=rmv, dtype=np.float64), count


def median_ms(fn, runs):
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    d, runs = sys.argv[1], int(sys.argv[2])
    shape = json.load(open(os.path.join(d, "shape.json")))
    m, n = shape["m"], shape["n"]
    rows = np.fromfile(os.path.join(d, "rows.i32"), dtype="<i4")
    cols = np.fromfile(os.path.join(d, "cols.i32"), dtype="<i4")
    vals = np.fromfile(os.path.join(d, "vals.f64"), dtype="<f8")
    A = sp.csr_matrix((vals, (rows, cols)), shape=(m, n))
    b = np.fromfile(os.path.join(d, "b.f64"), dtype="<f8")
    tol = shape["tol"]
    out = {"peer": peer.describe()}

    for name, solver in (("lsqr", sla.lsqr), ("lsmr", sla.lsmr)):
        L, count = counted(A)
        res = solver(L, b, atol=tol, btol=tol, conlim=1e12, **({"iter_lim": 10 * n} if name == "lsqr" else {"maxiter": 10 * n}))
        x, istop, itn = res[0], res[1], res[2]
        r = b - A @ x
        ar = A.T @ r
        solver(A, b, atol=tol, btol=tol, conlim=1e12)  # warm-up
        ms = median_ms(lambda: solver(A, b, atol=tol, btol=tol, conlim=1e12), runs)
        out[name] = {
            "iterations": int(itn), "istop": int(istop), "matvecs": count[0], "ms": ms,
            "rNorm": float(np.linalg.norm(r)), "arNorm": float(np.linalg.norm(ar)),
        }

    # svds: the 10 largest, ARPACK (SciPy's default solver), tol as ours.
    k = shape["k"]
    L, count = counted(A)
    s = sla.svds(L, k=k, tol=shape["svdTol"], random_state=0, return_singular_vectors=True)
    u, sv, vt = s
    order = np.argsort(-sv)
    sv, u, vt = sv[order], u[:, order], vt[order]
    res = [float(max(np.linalg.norm(A @ vt[i] - sv[i] * u[:, i]), np.linalg.norm(A.T @ u[:, i] - sv[i] * vt[i]))) for i in range(k)]
    svms = median_ms(lambda: sla.svds(A, k=k, tol=shape["svdTol"], random_state=0), max(1, runs // 2))
    out["svds"] = {"values": sv.tolist(), "matvecs": count[0], "ms": svms, "residuals": res}

    # Gauss–Newton fit: exponential-sum model, scipy.optimize.least_squares (trf, exact Jacobian by lsmr).
    t = np.fromfile(os.path.join(d, "t.f64"), dtype="<f8")
    y = np.fromfile(os.path.join(d, "y.f64"), dtype="<f8")
    p0 = np.fromfile(os.path.join(d, "p0.f64"), dtype="<f8")

    def fun(p):
        return p[0] * np.exp(-p[1] * t) + p[2] * np.exp(-p[3] * t) - y

    def jac(p):
        e1, e2 = np.exp(-p[1] * t), np.exp(-p[3] * t)
        return np.stack([e1, -p[0] * t * e1, e2, -p[2] * t * e2], axis=1)

    fit = least_squares(fun, p0, jac=jac, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
    gnms = median_ms(lambda: least_squares(fun, p0, jac=jac, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15), runs)
    out["fit"] = {"p": fit.x.tolist(), "cost": float(fit.cost), "nfev": int(fit.nfev), "ms": gnms, "status": int(fit.status)}
    out["scipy"] = scipy.__version__
    print(json.dumps(out))


main()
