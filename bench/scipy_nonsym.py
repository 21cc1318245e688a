"""SciPy reference figures for bench/nonsym.bench.ts.

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/scipy_nonsym.py N PECLET RUNS
The operator is the 2-D upwind convection–diffusion matrix of test/helpers/problems/
convection-diffusion.ts (the same formula: h = 1/(N+1), c = Pe·h/√2, diagonal 4 + 2c, backward
neighbours −(1 + c), forward neighbours −1), as a CSR matrix; b = 1. Products are counted once
through a LinearOperator wrapper around the same matrix; the times are of runs on the CSR matrix
itself. Prints one JSON line {"info": peer.describe(), "result": ...}.
"""
import peer

peer.start()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.linalg as sla  # noqa: E402

RTOL = 1e-8
EIGS_TOL = 1e-10


def convection_diffusion(N, pe):
    h = 1.0 / (N + 1)
    c = pe * h / np.sqrt(2.0)
    T = sp.diags([-(1.0 + c) * np.ones(N - 1), -np.ones(N - 1)], [-1, 1], shape=(N, N))
    I = sp.identity(N)
    return (sp.kron(T, I) + sp.kron(I, T) + (4.0 + 2.0 * c) * sp.identity(N * N)).tocsr()


def counted(A):
    count = [0]

    def mv(x):
        count[0] += 1
        return A @ x

    return sla.LinearOperator(A.shape, matvec=mv, dtype=np.float64), count


def median_ms(fn, runs):
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def solve(name, fn, A, b, runs):
    L, count = counted(A)
    iters = [0]
    x, info = fn(L, b, callback=lambda *_: iters.__setitem__(0, iters[0] + 1))
    true = float(np.linalg.norm(b - A @ x) / np.linalg.norm(b))
    ms = median_ms(lambda: fn(A, b), runs)
    return {"matvecs": count[0], "iterations": iters[0], "info": int(info), "ms": ms, "trueRelResidual": true}


def main():
    N, pe, runs = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    A = convection_diffusion(N, pe)
    n = N * N
    b = np.ones(n)
    out = {"scipy": scipy.__version__, "numpy": np.__version__}
    big = 100000
    # gmres(restart=30): maxiter counts restart cycles; callback_type 'pr_norm' is called per inner step.
    out["gmres"] = solve(
        "gmres",
        lambda M, rhs, callback=None: sla.gmres(M, rhs, rtol=RTOL, atol=0.0, restart=30, maxiter=big, callback=callback, callback_type="pr_norm"),
        A, b, runs)
    out["bicgstab"] = solve(
        "bicgstab",
        lambda M, rhs, callback=None: sla.bicgstab(M, rhs, rtol=RTOL, atol=0.0, maxiter=big, callback=callback),
        A, b, runs)
    # eigs: 6 largest magnitude, ARPACK with ncv 20 (SciPy's default max(2k + 1, 20)), tol 1e-10, v0 = 1.
    L, count = counted(A)
    w, v = sla.eigs(L, k=6, which="LM", tol=EIGS_TOL, ncv=20, v0=np.ones(n))
    res = max(float(np.linalg.norm(A @ v[:, i] - w[i] * v[:, i]) / np.linalg.norm(v[:, i])) for i in range(len(w)))
    ms = median_ms(lambda: sla.eigs(A, k=6, which="LM", tol=EIGS_TOL, ncv=20, v0=np.ones(n)), max(1, runs // 2))
    order = np.argsort(-np.abs(w))
    out["eigs"] = {"matvecs": count[0], "ms": ms, "re": [float(w[i].real) for i in order], "im": [float(w[i].imag) for i in order], "maxResidual": res}
    print(json.dumps({"info": peer.describe(), "result": out}))


if __name__ == "__main__":
    main()
