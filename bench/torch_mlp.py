"""PyTorch peer of bench/pytorch.bench.ts: the same MLP (tanh, softmax cross-entropy), the same
data, weights and v as ours, float64 on the CPU, served through bench/peer.py.

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/torch_mlp.py DATA_FILE
DATA_FILE, little-endian float64: d, h, c, B, then X (B×d), Y (B×c), x0 (n), v (n), and our
H·v and gradient at x0 (n each), against which the set-up line reports the relative
differences of torch's before anything is timed.

Cases: "gradient" (a fresh graph, ∇f by one backward), "hvp cached" (the graph of ∇f built
once at x0 with create_graph=True; each call is one backward through it: the counterpart of
our hessianOperator.apply), "hvp whole" (forward, ∇f with create_graph, then the double
backward: everything from x and v). Tasks: "hessian" (the full Hessian by each form torch
1.13 offers), "eigsh" (SciPy's eigsh driven by the cached torch H·v).
"""
import peer

threads = peer.start()

import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

raw = np.fromfile(sys.argv[1], dtype="<f8")
d, h, c, B = (int(t) for t in raw[:4])
n = d * h + h + h * c + c
parts = np.split(raw[4:], np.cumsum([B * d, B * c, n, n, n]))
X = torch.from_numpy(parts[0].reshape(B, d).copy())
Y = torch.from_numpy(parts[1].reshape(B, c).copy())
x0 = torch.from_numpy(parts[2].copy())
v = torch.from_numpy(parts[3].copy())
ours_hv = torch.from_numpy(parts[4].copy())
ours_g = torch.from_numpy(parts[5].copy())


def f(x):
    W1 = x[: d * h].reshape(d, h)
    b1 = x[d * h : d * h + h]
    W2 = x[d * h + h : d * h + h + h * c].reshape(h, c)
    b2 = x[d * h + h + h * c :]
    z = torch.tanh(X @ W1 + b1) @ W2 + b2
    return -(Y * torch.log_softmax(z, 1)).sum(1).mean()


def gradient():
    x = x0.clone().requires_grad_(True)
    return torch.autograd.grad(f(x), x)[0]


def hvp_whole():
    x = x0.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    return torch.autograd.grad(g, x, v)[0]


xc = x0.clone().requires_grad_(True)
(gc,) = torch.autograd.grad(f(xc), xc, create_graph=True)


def hvp_cached(w=v):
    return torch.autograd.grad(gc, xc, w, retain_graph=True)[0]


def rel(a, b):
    return float(torch.linalg.norm(a - b) / torch.linalg.norm(b))


setup = {
    "n": n,
    "relDiffGradient": rel(gradient(), ours_g),
    "relDiffHvCached": rel(hvp_cached(), ours_hv),
    "relDiffHvWhole": rel(hvp_whole(), ours_hv),
}


def hessian_task(args):
    """The full Hessian by `form`: wall seconds, peak RSS, and ‖H v − (H·v)‖/‖H·v‖ as a check."""
    form = args["form"]
    t, c = time.perf_counter(), time.process_time()
    if form == "functional":
        H = torch.autograd.functional.hessian(f, x0)
    elif form == "functional vectorize":
        H = torch.autograd.functional.hessian(f, x0, vectorize=True)
    elif form == "functional vectorize forward-mode":
        H = torch.autograd.functional.hessian(f, x0, vectorize=True, outer_jacobian_strategy="forward-mode")
    elif form.startswith("batched double backward"):
        # ∇f's graph once, then H·E for blocks E of unit vectors by one batched backward each.
        block = int(args["block"])
        x = x0.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        H = torch.empty(n, n, dtype=torch.float64)
        eye = torch.eye(n, dtype=torch.float64)
        for s in range(0, n, block):
            E = eye[s : s + block]
            H[s : s + block] = torch.autograd.grad(g, x, E, retain_graph=True, is_grads_batched=True)[0]
    else:
        raise ValueError(f"unknown form {form}")
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    check = rel(H @ v, hvp_cached())
    return {"secs": secs, "cpuSecs": cpu, "check": check, "peakRssMb": peer.peak_rss_mb()}


def eigsh_task(args):
    """Top k eigenvalues by scipy's eigsh (ARPACK) on the cached torch H·v: products, time, values."""
    import scipy.sparse.linalg as sla

    count = [0]

    def mv(x):
        count[0] += 1
        return hvp_cached(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64).ravel())).numpy()

    op = sla.LinearOperator((n, n), matvec=mv, dtype=np.float64)
    times, cpus = [], []
    vals = None
    for _ in range(int(args["runs"])):
        count[0] = 0
        t, c = time.perf_counter(), time.process_time()
        vals = sla.eigsh(op, k=int(args["k"]), which="LA", tol=float(args["tol"]), return_eigenvectors=False)
        times.append((time.perf_counter() - t) * 1e3)
        cpus.append((time.process_time() - c) * 1e3)
    return {"matvecs": count[0], "ms": float(np.median(times)), "cpuMs": float(np.median(cpus)), "values": sorted(float(x) for x in vals)}


peer.serve(
    peer.describe(torch),
    setup,
    {"gradient": gradient, "hvp cached": hvp_cached, "hvp whole": hvp_whole},
    {"hessian": hessian_task, "eigsh": eigsh_task},
)
