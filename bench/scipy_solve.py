"""SciPy reference figures for bench/krylov-solve.bench.ts.

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/scipy_solve.py B_FILE N RUNS [cg]
B_FILE holds b as little-endian float64 (written by the TypeScript benchmark from its seeded
stream), N is the grid side (n = N²). The operator is the 2-D Poisson 5-point Laplacian with
Dirichlet boundary, as a CSR matrix (SciPy's fastest form); products are counted once through a
LinearOperator wrapper around the same matrix. With `cg` last, CG only. Prints one JSON line
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


def counted(A):
    count = [0]

    def mv(x):
        count[0] += 1
        return A @ x

    return sla.LinearOperator(A.shape, matvec=mv, rmatvec=mv, dtype=np.float64), count


def median_ms(fn, runs):
    return median_wall_cpu_ms(fn, runs)[0]


def median_wall_cpu_ms(fn, runs):
    """Medians of the wall and process CPU times (ms) of `runs` calls."""
    ts, cs = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
        cs.append((time.process_time() - c) * 1e3)
    ts.sort()
    cs.sort()
    return ts[len(ts) // 2], cs[len(cs) // 2]


def main():
    b_file, N, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    b = np.fromfile(b_file, dtype="<f8")
    A = poisson2d(N)
    assert b.shape[0] == N * N
    bnorm = np.linalg.norm(b)
    out = {"scipy": scipy.__version__, "numpy": np.__version__}

    # CG, rtol 1e-8
    L, count = counted(A)
    iters = [0]
    x, info = sla.cg(L, b, rtol=1e-8, callback=lambda xk: iters.__setitem__(0, iters[0] + 1))
    cg_true = float(np.linalg.norm(b - A @ x) / bnorm)
    sla.cg(A, b, rtol=1e-8)  # warm-up
    cg_ms, cg_cpu = median_wall_cpu_ms(lambda: sla.cg(A, b, rtol=1e-8), runs)
    out["cg"] = {"matvecs": count[0], "iterations": iters[0], "info": int(info), "ms": cg_ms, "cpuMs": cg_cpu, "trueRelResidual": cg_true}
    if sys.argv[-1] == "cg":
        print(json.dumps({"info": peer.describe(), "result": out}))
        return

    # MINRES, shift 0.05, rtol 1e-8: solves (A − 0.05 I) x = b
    L, count = counted(A)
    iters = [0]
    x, info = sla.minres(L, b, shift=0.05, rtol=1e-8, callback=lambda xk: iters.__setitem__(0, iters[0] + 1))
    mr_true = float(np.linalg.norm(b - (A @ x - 0.05 * x)) / bnorm)
    mr_ms = median_ms(lambda: sla.minres(A, b, shift=0.05, rtol=1e-8), max(1, runs // 2))
    out["minres"] = {"matvecs": count[0], "iterations": iters[0], "info": int(info), "ms": mr_ms, "trueRelResidual": mr_true}

    # MINRES with a tighter rtol, to see what SciPy needs for a true relative residual ≤ 1e-8.
    L, count = counted(A)
    t = time.perf_counter()
    x, info = sla.minres(L, b, shift=0.05, rtol=1e-12)
    ms = (time.perf_counter() - t) * 1e3
    tight = float(np.linalg.norm(b - (A @ x - 0.05 * x)) / bnorm)
    out["minresTight"] = {"rtol": 1e-12, "matvecs": count[0], "iterations": count[0], "info": int(info), "ms": ms, "trueRelResidual": tight}
    print(json.dumps({"info": peer.describe(), "result": out}))


if __name__ == "__main__":
    main()
