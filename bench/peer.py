"""The set-up shared by every Python peer of the benchmarks (PyTorch, SciPy, NumPy).

A peer script calls `threads = peer.start()` before it imports numpy, scipy or torch: the thread
count comes from KRYLOV_PEER_THREADS (set by bench/peers.ts, one process per setting) and is
written to OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS together, because OpenBLAS
and OpenMP read them once, when the library loads (`torch.set_num_threads` alone leaves OpenBLAS
at its own count). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed: set for another machine,
they make OpenBLAS pick a slower kernel.

`describe(torch=None)` names the BLAS libraries actually loaded and their threads (threadpoolctl
where it is installed, otherwise the process's memory map and OpenBLAS's own entry points), runs
the sanity check (1000×1000 float64 a @ a with the peer's own product, torch's or numpy's) and
marks the peer as running on the reference BLAS when that check stays under 30 GFLOP/s both in
wall time and per CPU-second (the second is what a loaded machine cannot lower).

`serve(cases, setup)` then answers bench/peers.ts on stdin/stdout, one JSON object a line, so
that the TypeScript suite can interleave its own rounds with the peer's.
"""
import ctypes
import json
import os
import platform
import resource
import sys
import time

# KRYLOV_PEER_REFERENCE_GFLOPS raises the bar to see the refusal path on a fast BLAS.
REFERENCE_GFLOPS = float(os.environ.get("KRYLOV_PEER_REFERENCE_GFLOPS", "30"))


def start():
    """Sets the thread variables from KRYLOV_PEER_THREADS; call before importing numpy/torch."""
    for mod in ("numpy", "scipy", "torch"):
        if mod in sys.modules:
            raise RuntimeError(f"peer.start: {mod} was imported before the thread count was set")
    t = os.environ.get("KRYLOV_PEER_THREADS")
    if t is None or not t.isdigit() or int(t) < 1:
        raise SystemExit(f"peer.start: KRYLOV_PEER_THREADS must be a positive integer, got {t!r}")
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[k] = t
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        os.environ.pop(k, None)
    return int(t)


def _blas_from_maps():
    """BLAS libraries in this process's memory map, with OpenBLAS's own report where it has one."""
    paths = []
    with open("/proc/self/maps") as fh:
        for line in fh:
            p = line.split()[-1]
            base = os.path.basename(p).lower()
            if p.startswith("/") and ".so" in base and ("blas" in base or "mkl" in base) and p not in paths:
                paths.append(p)
    out = []
    for p in paths:
        one = {"filepath": os.path.realpath(p)}
        try:
            lib = ctypes.CDLL(p)
        except OSError:
            out.append(one)
            continue
        for prefix in ("", "scipy_"):
            for suffix in ("", "64_"):
                get = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}", None)
                if get is None:
                    continue
                one["internal_api"] = "openblas"
                one["num_threads"] = int(get())
                for key, fn in (("version", "openblas_get_config"), ("architecture", "openblas_get_corename")):
                    f = getattr(lib, f"{prefix}{fn}{suffix}", None)
                    if f is not None:
                        f.restype = ctypes.c_char_p
                        one[key] = f().decode()
                break
            if "internal_api" in one:
                break
        out.append(one)
    return out


def blas_info():
    """The BLAS libraries loaded in this process and their thread counts."""
    try:
        import threadpoolctl

        info = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        keep = ("filepath", "internal_api", "version", "architecture", "num_threads", "threading_layer")
        return "threadpoolctl", [{k: i[k] for k in keep if k in i} for i in info]
    except ImportError:
        return "memory map", _blas_from_maps()


def _sanity(matmul, make):
    """Best wall and per-CPU-second GFLOP/s of a 1000×1000 float64 a @ a over ≥ 5 runs / 0.5 s."""
    a = make()
    matmul(a, a)
    flops = 2 * 1000**3
    wall, cpu = 0.0, 0.0
    t_end = time.perf_counter() + 0.5
    runs = 0
    while runs < 5 or time.perf_counter() < t_end:
        t0, c0 = time.perf_counter(), time.process_time()
        matmul(a, a)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        wall = max(wall, flops / dt / 1e9)
        if dc > 0:
            cpu = max(cpu, flops / dc / 1e9)
        runs += 1
    return wall, cpu


def describe(torch=None):
    """Versions, BLAS, threads and the a @ a sanity check of this peer (a dict for JSON)."""
    import numpy as np

    d = {
        "python": f"{platform.python_version()} ({sys.executable})",
        "threads": int(os.environ["OPENBLAS_NUM_THREADS"]),
        "numpy": np.__version__,
    }
    try:
        import scipy

        d["scipy"] = scipy.__version__
    except ImportError:
        pass
    if torch is not None:
        d["torch"] = torch.__version__
        d["torchThreads"] = torch.get_num_threads()
        cfg = torch.__config__.show()
        d["torchBlasInfo"] = next((s.split("=")[1] for s in cfg.replace(",", "\n").split("\n") if "BLAS_INFO" in s), "?")
        wall, cpu = _sanity(lambda a, b: a @ b, lambda: torch.randn(1000, 1000, dtype=torch.float64))
    else:
        rng = np.random.default_rng(0)
        wall, cpu = _sanity(lambda a, b: a @ b, lambda: rng.standard_normal((1000, 1000)))
    d["blasSource"], d["blas"] = blas_info()
    d["gflops"] = round(wall, 1)
    d["gflopsPerCpuSecond"] = round(cpu, 1)
    d["reference"] = wall < REFERENCE_GFLOPS and cpu < REFERENCE_GFLOPS
    if d["reference"]:
        d["reason"] = (
            f"1000×1000 float64 a @ a at {wall:.1f} GFLOP/s ({cpu:.1f} per CPU-second), under "
            f"{REFERENCE_GFLOPS:.0f}: the reference BLAS or a crippled one"
        )
    return d


def peak_rss_mb():
    """This process's peak resident set (ru_maxrss, kB on Linux) in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time_case(fn, max_time):
    """Calls fn at least once and until max_time seconds have passed; per-call wall times and
    process CPU times (all threads) in ms."""
    samples, cpu = [], []
    t_end = time.perf_counter() + max_time
    while not samples or time.perf_counter() < t_end:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return samples, cpu


def _send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def serve(info, setup, cases, tasks=None):
    """Answers bench/peers.ts: first a line {"info", "setup"}, then for each request line
    {"time": NAME, "maxTime": s} the per-call times of cases[NAME], for {"run": NAME, "args": …}
    the result of tasks[NAME](args), and stops at {"quit": true} or end of input."""
    _send({"info": info, "setup": setup})
    tasks = tasks or {}
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if "time" in req:
                samples, cpu = _time_case(cases[req["time"]], float(req.get("maxTime", 0.05)))
                _send({"samples": samples, "cpu": cpu})
            elif "run" in req:
                _send({"result": tasks[req["run"]](req.get("args"))})
            elif req.get("quit"):
                break
            else:
                _send({"error": f"peer: unknown request {line.strip()}"})
        except Exception as e:  # the TypeScript side prints it and goes on without this peer
            _send({"error": f"{type(e).__name__}: {e}"})
