"""PyTorch peer of bench/mnist.bench.ts: the CNN of `krylov hessian --model cnn` (conv 3×3×8
same, tanh, max-pool 2, conv 3×3×16 same, tanh, max-pool 2, dense 784 → 10; n = 9,098), float64
on the CPU, its mean softmax cross-entropy over a whole image set streamed in minibatches,
served through bench/peer.py.

Usage (by bench/peers.ts, KRYLOV_PEER_THREADS set): python3 bench/mnist_torch.py DATA_FILE
DATA_FILE, little-endian float64: N, batch, then X (N×784, grey levels), Y (N×10 one-hot),
θ (n, our layout: conv kernels [KH, KW, C, F], dense [784, 10], NHWC flatten order), v (n), and
our loss, gradient and H·v at θ (1 + n + n), against which the set-up line reports torch's
relative differences before anything is timed.

Cases: "gradient" (loss and ∇ over all N images, batch by batch), "hvp" (the dataset H·v: per
batch, forward, ∇ with create_graph, then the double backward against v; memory O(batch), as
ours). Task "eigsh": SciPy's eigsh over that dataset H·v (products, time, peak RSS, values).
"""
import peer

threads = peer.start()

import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SHAPES = [(3, 3, 1, 8), (8,), (3, 3, 8, 16), (16,), (784, 10), (10,)]
SIZES = [int(np.prod(s)) for s in SHAPES]
n = sum(SIZES)

raw = np.fromfile(sys.argv[1], dtype="<f8")
N, batch = int(raw[0]), int(raw[1])
parts = np.split(raw[2:], np.cumsum([N * 784, N * 10, n, n, 1, n, n]))
X = torch.from_numpy(parts[0].reshape(N, 1, 28, 28).copy())  # NHWC with C = 1 is NCHW's order too
Y = torch.from_numpy(parts[1].reshape(N, 10).copy())
theta0 = torch.from_numpy(parts[2].copy())
v0 = torch.from_numpy(parts[3].copy())
ours_loss = float(parts[4][0])
ours_g = torch.from_numpy(parts[5].copy())
ours_hv = torch.from_numpy(parts[6].copy())


def unpack(theta):
    out, at = [], 0
    for s, k in zip(SHAPES, SIZES):
        out.append(theta[at : at + k].reshape(s))
        at += k
    return out


def batch_loss(theta, xb, yb):
    """Mean cross-entropy of one batch; kernels from [KH, KW, C, F] to torch's [F, C, KH, KW]."""
    k1, b1, k2, b2, W, b = unpack(theta)
    h = F.max_pool2d(torch.tanh(F.conv2d(xb, k1.permute(3, 2, 0, 1), b1, padding=1)), 2)
    h = F.max_pool2d(torch.tanh(F.conv2d(h, k2.permute(3, 2, 0, 1), b2, padding=1)), 2)
    z = h.permute(0, 2, 3, 1).reshape(xb.shape[0], 784) @ W + b  # flatten in NHWC order, as ours
    return -(yb * torch.log_softmax(z, 1)).sum(1).mean()


def batches():
    for s in range(0, N, batch):
        yield X[s : s + batch], Y[s : s + batch]


def loss_and_gradient(theta=theta0):
    g = torch.zeros(n, dtype=torch.float64)
    total = 0.0
    for xb, yb in batches():
        x = theta.clone().requires_grad_(True)
        f = batch_loss(x, xb, yb) * (xb.shape[0] / N)
        g += torch.autograd.grad(f, x)[0]
        total += float(f)
    return total, g


def hvp(w=v0, theta=theta0):
    out = torch.zeros(n, dtype=torch.float64)
    for xb, yb in batches():
        x = theta.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(batch_loss(x, xb, yb) * (xb.shape[0] / N), x, create_graph=True)
        out += torch.autograd.grad(g, x, w)[0]
    return out


def rel(a, b):
    return float(torch.linalg.norm(a - b) / torch.linalg.norm(b))


loss, grad = loss_and_gradient()
setup = {
    "n": n,
    "relDiffLoss": abs(loss - ours_loss) / abs(ours_loss),
    "relDiffGradient": rel(grad, ours_g),
    "relDiffHv": rel(hvp(), ours_hv),
}


def eigsh_task(args):
    """Top k eigenvalues by scipy's eigsh (ARPACK, which='LA') over the dataset H·v."""
    import scipy.sparse.linalg as sla

    count = [0]

    def mv(x):
        count[0] += 1
        return hvp(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64).ravel())).numpy()

    op = sla.LinearOperator((n, n), matvec=mv, dtype=np.float64)
    t, c = time.perf_counter(), time.process_time()
    vals = sla.eigsh(op, k=int(args["k"]), which="LA", tol=float(args["tol"]), v0=np.ones(n), return_eigenvectors=False)
    return {"matvecs": count[0], "secs": time.perf_counter() - t, "cpuSecs": time.process_time() - c, "values": sorted(float(x) for x in vals), "peakRssMb": peer.peak_rss_mb()}


peer.serve(peer.describe(torch), setup, {"gradient": loss_and_gradient, "hvp": hvp}, {"eigsh": eigsh_task})
