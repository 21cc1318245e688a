"""SciPy reference figures for bench/krylov-eigs.bench.ts.

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/scipy_eigs.py N RUNS EIGH HESSIAN_FILE...
N is the grid side of the 2-D Poisson problem (n = N²). Each HESSIAN_FILE holds a dense MLP
Hessian written by the TypeScript benchmark, little-endian float64: n, then the n×n matrix row
by row. Products are counted through a LinearOperator wrapper; times are medians of RUNS.
Each Hessian's reference top 5 come from numpy's eigvalsh when EIGH is 1 (it takes a minute at
n = 7,114, so the suite asks for it at one thread setting only). Prints one JSON line
{"info": peer.describe(), "result": ...}.
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


def poisson2d(N):
    T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(N, N), dtype=np.float64)
    I = sp.identity(N, dtype=np.float64)
    return (sp.kron(I, T) + sp.kron(T, I)).tocsr()


def counted(n, apply):
    count = [0]

    def mv(x):
        count[0] += 1
        return apply(np.asarray(x).ravel())

    return sla.LinearOperator((n, n), matvec=mv, rmatvec=mv, dtype=np.float64), count


def run_eigsh(op, count, k, tol, runs):
    times = []
    for _ in range(runs):
        count[0] = 0
        t = time.perf_counter()
        vals = np.sort(sla.eigsh(op, k=k, which="LA", tol=tol, return_eigenvectors=False))
        times.append((time.perf_counter() - t) * 1e3)
    return {"tol": tol, "matvecs": count[0], "ms": float(np.median(times)), "values": vals.tolist()}


def main():
    N = int(sys.argv[1])
    runs = int(sys.argv[2])
    eigh = sys.argv[3] == "1"
    out = {"scipy": scipy.__version__, "numpy": np.__version__}
    A = poisson2d(N)
    op, count = counted(N * N, lambda x: A @ x)
    out["poisson"] = [run_eigsh(op, count, 6, tol, runs) for tol in (1e-6, 1e-10)]

    out["hessians"] = []
    for path in sys.argv[4:]:
        raw = np.fromfile(path, dtype="<f8")
        n = int(raw[0])
        H = raw[1 : 1 + n * n].reshape(n, n)
        hop, hcount = counted(n, lambda x, H=H: H @ x)
        one = {"runs": [run_eigsh(hop, hcount, 5, tol, runs) for tol in (1e-8, 0)]}
        if eigh:
            t = time.perf_counter()
            one["top"] = np.linalg.eigvalsh(H)[-5:].tolist()
            one["eighSecs"] = time.perf_counter() - t
        out["hessians"].append(one)
    print(json.dumps({"info": peer.describe(), "result": out}))


if __name__ == "__main__":
    main()
