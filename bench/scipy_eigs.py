"""SciPy reference figures for bench/krylov-eigs.bench.ts.

Usage: python3 bench/scipy_eigs.py N SPEC_FILE
N is the grid side of the 2-D Poisson problem (n = N²). SPEC_FILE holds the Hessian stand-in
written by the TypeScript benchmark, little-endian float64: n, r, then the n eigenvalues, then
r Householder unit vectors of length n (H = Q·diag(λ)·Qᵀ, Q = P₁P₂…P_r, Pᵢ = I − 2uᵢuᵢᵀ).
Products are counted through a LinearOperator wrapper. Prints one JSON object.
"""
import json
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as sla


def poisson2d(N):
    T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(N, N), dtype=np.float64)
    I = sp.identity(N, dtype=np.float64)
    return (sp.kron(I, T) + sp.kron(T, I)).tocsr()


def poisson2d_eigenvalues(N):
    c = 2 - 2 * np.cos(np.arange(1, N + 1) * np.pi / (N + 1))
    return np.sort((c[:, None] + c[None, :]).ravel())


def counted(n, apply):
    count = [0]

    def mv(x):
        count[0] += 1
        return apply(np.asarray(x).ravel())

    return sla.LinearOperator((n, n), matvec=mv, rmatvec=mv, dtype=np.float64), count


def run_eigsh(op, count, k, tol, exact_top):
    count[0] = 0
    t = time.perf_counter()
    vals = np.sort(sla.eigsh(op, k=k, which="LA", tol=tol, return_eigenvectors=False))
    ms = (time.perf_counter() - t) * 1e3
    err = float(np.max(np.abs(vals - exact_top) / np.abs(exact_top)))
    return {"tol": tol, "matvecs": count[0], "ms": ms, "maxRelErr": err, "values": vals.tolist()}


def main():
    N = int(sys.argv[1])
    out = {"scipy": scipy.__version__, "numpy": np.__version__}
    A = poisson2d(N)
    top = poisson2d_eigenvalues(N)[-6:]
    op, count = counted(N * N, lambda x: A @ x)
    out["poisson"] = [run_eigsh(op, count, 6, tol, top) for tol in (1e-6, 1e-10)]

    raw = np.fromfile(sys.argv[2], dtype="<f8")
    n, r = int(raw[0]), int(raw[1])
    lam = raw[2 : 2 + n]
    U = raw[2 + n : 2 + n + r * n].reshape(r, n)

    def hess(x):
        y = x.copy()  # y = Qᵀx = P_r…P₁x
        for u in U:
            y -= 2 * (u @ y) * u
        y *= lam
        for u in U[::-1]:  # Q y = P₁…P_r y
            y -= 2 * (u @ y) * u
        return y

    hop, hcount = counted(n, hess)
    htop = np.sort(lam)[-5:]
    out["hessian"] = [run_eigsh(hop, hcount, 5, tol, htop) for tol in (1e-8,)]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
