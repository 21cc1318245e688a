;; Dense matrix product in WebAssembly SIMD (f64x2): C = op(A)·op(B) (beta = 0) or
;; C ← C + op(A)·op(B) (beta = 1), float64, the source of gemm-bytes.ts (assembled by
;; scripts/build-wasm.mjs; a test checks the embedded bytes are this file's).
;; gemm-relaxed.wat is this file with each multiply-add of the micro-kernel written as one
;; f64x2.relaxed_madd (a fused multiply-add where the engine has one); a test checks that too.
;;
;; gemm(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, beta, work): a, b, c, work are BYTE offsets
;; into the imported memory; op(A)(i, p) is the f64 at a + 8·(i·rsa + p·csa), op(B)(p, j) at
;; b + 8·(p·rsb + j·csb) (element strides: every transpose case without copies), C(i, j) at
;; c + 8·(i·ldc + j). `work` is a scratch area of GEMM_WORK_BYTES = 8·(MC·KC + KC·NC + MR·NR)
;; = 1,245,696 bytes private to the call (each thread its own).
;;
;; Blocking after Goto & van de Geijn, "Anatomy of high-performance matrix multiplication"
;; (ACM TOMS 34(3), 2008) and BLIS: for each block of NC = 512 columns and KC = 256 rows of
;; op(B), the block is packed into panels of NR = 4 columns (KC·NR·8 = 8 KiB each: one panel
;; stays in L1); for each block of MC = 96 rows of op(A), the block is packed into panels of
;; MR = 6 rows (192 KiB: in L2); the micro-kernel then computes each MR×NR tile of C in 12
;; f64x2 accumulators (15 of the 16 xmm registers with the two B vectors and the A splat).
;; Measured against 4×4, 5×4, 8×4, 4×8 and 6×4 with the p loop unrolled twice (V8 11.3, Node
;; 20, Intel Xeon with AVX-512, 48 KiB L1d and 2 MiB L2 a core): 6×4 was fastest, 5×4 and 4×4
;; within noise, 8×4 and 4×8 (16 accumulators: spills) 10–20 % and the unrolled loop 35–70 %
;; slower; KC 128–384 and MC 48–192 all within noise. V8 uses only xmm0–15, so the 16
;; accumulators of a 4×8 or 8×4 tile do not fit (V8 keeps one of the 12 of 6×4 on the stack:
;; the multiply's result needs a 16th register; a version looping over the row panels inside the
;; kernel spilled four and ran 15–20 % slower). A last panel of op(B) with at most 2 columns
;; (n = 10: panels 4, 4, 2) runs a 6×2 kernel over the same zero-padded 4-wide panel, instead of
;; computing 2 columns of zeros: +11 % on the n = 10 products.
;;
;; Packing op(A) costs a copy per n multiply-adds, which on narrow products (n ≤ 16) is a fifth
;; to a third of the time. So packA copies with vector loads where op(A)'s rows or columns are
;; contiguous, and when op(A) is a transposed A (rsa = 1: each step's MR values adjacent), with
;; n ≤ 16 and op(A) small enough to stay in L2 (m·k ≤ 2¹⁷), the kernel reads the whole row panels
;; of op(A) in place (step 8·csa bytes instead of 48); only a last partial panel is packed.
;; (Reading a large op(A) in place, e.g. 72 × 39200, was 20 % slower than packing it.)
;;
;; Summation order (mirrored by the JavaScript reference, reference.ts, so the two give the
;; same bits): for each block of KC values of p, each entry's sum starts at 0 and adds
;; op(A)(i, p)·op(B)(p, j) in increasing p (each product rounded, then added); the block's sum
;; is then stored (first block, beta = 0) or added to C. Splitting the rows or the columns of C
;; over several calls does not change any entry's bits.
(module
  (memory (import "env" "memory") 1 65536)

  ;; The micro-kernel: the MR×NR tile of C at byte c (row stride ldc) from kc steps of the
  ;; panels pa (MR values of op(A) per step, the next step sa bytes on: 48 packed, 8·csa in
  ;; place) and pb (NR values of op(B) per step, packed).
  ;; A full tile is stored (or added, acc ≠ 0) with vector stores, acc tested once per tile
  ;; (with k = 10 the stores are a large part of a tile); an edge tile (mr < MR or nr < NR: the
  ;; panels are zero-padded) goes through `tile` (MR·NR f64 of scratch) and only its mr×nr
  ;; entries are written.
  (func $kernel (param $kc i32) (param $pa i32) (param $sa i32) (param $pb i32) (param $c i32) (param $ldc i32) (param $mr i32) (param $nr i32) (param $acc i32) (param $tile i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128) (local $c40 v128) (local $c41 v128) (local $c50 v128) (local $c51 v128)
    (local $end i32) (local $row i32) (local $r i32) (local $j i32) (local $x f64)
    (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $kc) (i32.const 32))))
    ;; c_rv ← c_rv + a_r·b_v: one splat of op(A)(i + r, p) times the pairs of op(B)(p, j..j+3)
    (block $done (loop $p
        (br_if $done (i32.ge_u (local.get $pb) (local.get $end)))
        (local.set $b0 (v128.load offset=0 align=8 (local.get $pb)))
        (local.set $b1 (v128.load offset=16 align=8 (local.get $pb)))
        (local.set $a (v128.load64_splat offset=0 align=8 (local.get $pa)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load64_splat offset=8 align=8 (local.get $pa)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load64_splat offset=16 align=8 (local.get $pa)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load64_splat offset=24 align=8 (local.get $pa)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load64_splat offset=32 align=8 (local.get $pa)))
        (local.set $c40 (f64x2.add (local.get $c40) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c41 (f64x2.add (local.get $c41) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load64_splat offset=40 align=8 (local.get $pa)))
        (local.set $c50 (f64x2.add (local.get $c50) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c51 (f64x2.add (local.get $c51) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br $p)))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 6)) (i32.eq (local.get $nr) (i32.const 4)))
      (then
        (local.set $row (local.get $c))
        (if (local.get $acc)
          (then
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c00)))
            (v128.store offset=16 align=8 (local.get $row) (f64x2.add (v128.load offset=16 align=8 (local.get $row)) (local.get $c01)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c10)))
            (v128.store offset=16 align=8 (local.get $row) (f64x2.add (v128.load offset=16 align=8 (local.get $row)) (local.get $c11)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c20)))
            (v128.store offset=16 align=8 (local.get $row) (f64x2.add (v128.load offset=16 align=8 (local.get $row)) (local.get $c21)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c30)))
            (v128.store offset=16 align=8 (local.get $row) (f64x2.add (v128.load offset=16 align=8 (local.get $row)) (local.get $c31)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c40)))
            (v128.store offset=16 align=8 (local.get $row) (f64x2.add (v128.load offset=16 align=8 (local.get $row)) (local.get $c41)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c50)))
            (v128.store offset=16 align=8 (local.get $row) (f64x2.add (v128.load offset=16 align=8 (local.get $row)) (local.get $c51)))
          )
          (else
            (v128.store offset=0 align=8 (local.get $row) (local.get $c00))
            (v128.store offset=16 align=8 (local.get $row) (local.get $c01))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c10))
            (v128.store offset=16 align=8 (local.get $row) (local.get $c11))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c20))
            (v128.store offset=16 align=8 (local.get $row) (local.get $c21))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c30))
            (v128.store offset=16 align=8 (local.get $row) (local.get $c31))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c40))
            (v128.store offset=16 align=8 (local.get $row) (local.get $c41))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c50))
            (v128.store offset=16 align=8 (local.get $row) (local.get $c51))
          ))
        (return)))
    (v128.store offset=0 align=8 (local.get $tile) (local.get $c00))
    (v128.store offset=16 align=8 (local.get $tile) (local.get $c01))
    (v128.store offset=32 align=8 (local.get $tile) (local.get $c10))
    (v128.store offset=48 align=8 (local.get $tile) (local.get $c11))
    (v128.store offset=64 align=8 (local.get $tile) (local.get $c20))
    (v128.store offset=80 align=8 (local.get $tile) (local.get $c21))
    (v128.store offset=96 align=8 (local.get $tile) (local.get $c30))
    (v128.store offset=112 align=8 (local.get $tile) (local.get $c31))
    (v128.store offset=128 align=8 (local.get $tile) (local.get $c40))
    (v128.store offset=144 align=8 (local.get $tile) (local.get $c41))
    (v128.store offset=160 align=8 (local.get $tile) (local.get $c50))
    (v128.store offset=176 align=8 (local.get $tile) (local.get $c51))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $r) (local.get $mr)))
      (local.set $row (i32.add (local.get $c) (i32.mul (i32.mul (local.get $r) (local.get $ldc)) (i32.const 8))))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $nr)))
        (local.set $x (f64.load (i32.add (local.get $tile) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const 4)) (local.get $j)) (i32.const 3)))))
        (if (local.get $acc) (then (local.set $x (f64.add (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))) (local.get $x)))))
        (f64.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))) (local.get $x))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; The 6×2 micro-kernel of a last panel of op(B) with at most two columns (nr ≤ 2): as
  ;; $kernel on the first two columns of the same 4-wide panel.
  (func $kernel2 (param $kc i32) (param $pa i32) (param $sa i32) (param $pb i32) (param $c i32) (param $ldc i32) (param $mr i32) (param $nr i32) (param $acc i32) (param $tile i32)
    (local $a v128) (local $b0 v128) (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128) (local $c40 v128) (local $c50 v128)
    (local $end i32) (local $row i32) (local $r i32) (local $j i32) (local $x f64)
    (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $kc) (i32.const 32))))
    (block $done (loop $p
        (br_if $done (i32.ge_u (local.get $pb) (local.get $end)))
        (local.set $b0 (v128.load offset=0 align=8 (local.get $pb)))
        (local.set $a (v128.load64_splat offset=0 align=8 (local.get $pa)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $a (v128.load64_splat offset=8 align=8 (local.get $pa)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $a (v128.load64_splat offset=16 align=8 (local.get $pa)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $a (v128.load64_splat offset=24 align=8 (local.get $pa)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $a (v128.load64_splat offset=32 align=8 (local.get $pa)))
        (local.set $c40 (f64x2.add (local.get $c40) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $a (v128.load64_splat offset=40 align=8 (local.get $pa)))
        (local.set $c50 (f64x2.add (local.get $c50) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br $p)))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 6)) (i32.eq (local.get $nr) (i32.const 2)))
      (then
        (local.set $row (local.get $c))
        (if (local.get $acc)
          (then
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c00)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c10)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c20)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c30)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c40)))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (f64x2.add (v128.load offset=0 align=8 (local.get $row)) (local.get $c50)))
          )
          (else
            (v128.store offset=0 align=8 (local.get $row) (local.get $c00))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c10))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c20))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c30))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c40))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ldc) (i32.const 3))))
            (v128.store offset=0 align=8 (local.get $row) (local.get $c50))
          ))
        (return)))
    (v128.store offset=0 align=8 (local.get $tile) (local.get $c00))
    (v128.store offset=16 align=8 (local.get $tile) (local.get $c10))
    (v128.store offset=32 align=8 (local.get $tile) (local.get $c20))
    (v128.store offset=48 align=8 (local.get $tile) (local.get $c30))
    (v128.store offset=64 align=8 (local.get $tile) (local.get $c40))
    (v128.store offset=80 align=8 (local.get $tile) (local.get $c50))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $r) (local.get $mr)))
      (local.set $row (i32.add (local.get $c) (i32.mul (i32.mul (local.get $r) (local.get $ldc)) (i32.const 8))))
      (local.set $j (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $nr)))
        (local.set $x (f64.load (i32.add (local.get $tile) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const 2)) (local.get $j)) (i32.const 3)))))
        (if (local.get $acc) (then (local.set $x (f64.add (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))) (local.get $x)))))
        (f64.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))) (local.get $x))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; Packs the mc×kc block of op(A) at byte src (A(i, p) at src + 8·(i·rsa + p·csa)) into dst as
  ;; panels of MR rows: panel q holds A(q·MR + r, p) at dst + 8·(q·MR·kc + p·MR + r), rows past mc zero.
  (func $packA (param $src i32) (param $rsa i32) (param $csa i32) (param $mc i32) (param $kc i32) (param $dst i32)
    (local $i i32) (local $p i32) (local $r i32) (local $rows i32) (local $at i32) (local $rs i32) (local $cs i32)
    (local $rs2 i32) (local $rs3 i32) (local $rs4 i32) (local $rs5 i32) (local $v0 v128) (local $v1 v128)
    (local.set $rs (i32.shl (local.get $rsa) (i32.const 3)))
    (local.set $cs (i32.shl (local.get $csa) (i32.const 3)))
    (local.set $rs2 (i32.add (local.get $rs) (local.get $rs)))
    (local.set $rs3 (i32.add (local.get $rs2) (local.get $rs)))
    (local.set $rs4 (i32.add (local.get $rs3) (local.get $rs)))
    (local.set $rs5 (i32.add (local.get $rs4) (local.get $rs)))
    ;; Whole panels of 6 rows. op(A)'s columns contiguous (rsa = 1: a transposed A): three
    ;; vector loads and stores a step. Its rows contiguous (csa = 1): two steps at a time, six
    ;; vector loads of A(i + r, p..p+1) interleaved into the six pairs of the two steps. Else
    ;; six scalar loads and stores a step.
    (block $full_done (loop $full
      (br_if $full_done (i32.gt_u (i32.add (local.get $i) (i32.const 6)) (local.get $mc)))
      (local.set $at (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rs))))
      (local.set $p (i32.const 0))
      (if (i32.eq (local.get $rs) (i32.const 8))
        (then
          (block $p_done (loop $p_loop
            (br_if $p_done (i32.ge_u (local.get $p) (local.get $kc)))
            (v128.store offset=0 align=8 (local.get $dst) (v128.load offset=0 align=8 (local.get $at)))
            (v128.store offset=16 align=8 (local.get $dst) (v128.load offset=16 align=8 (local.get $at)))
            (v128.store offset=32 align=8 (local.get $dst) (v128.load offset=32 align=8 (local.get $at)))
            (local.set $at (i32.add (local.get $at) (local.get $cs)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 48)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $p_loop))))
        (else (if (i32.eq (local.get $cs) (i32.const 8))
          (then
            (block $p_done (loop $p_loop
              (br_if $p_done (i32.gt_u (i32.add (local.get $p) (i32.const 2)) (local.get $kc)))
              (local.set $v0 (v128.load align=8 (local.get $at)))
              (local.set $v1 (v128.load align=8 (i32.add (local.get $at) (local.get $rs))))
              (v128.store offset=0 align=8 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1)))
              (v128.store offset=48 align=8 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1)))
              (local.set $v0 (v128.load align=8 (i32.add (local.get $at) (local.get $rs2))))
              (local.set $v1 (v128.load align=8 (i32.add (local.get $at) (local.get $rs3))))
              (v128.store offset=16 align=8 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1)))
              (v128.store offset=64 align=8 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1)))
              (local.set $v0 (v128.load align=8 (i32.add (local.get $at) (local.get $rs4))))
              (local.set $v1 (v128.load align=8 (i32.add (local.get $at) (local.get $rs5))))
              (v128.store offset=32 align=8 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1)))
              (v128.store offset=80 align=8 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1)))
              (local.set $at (i32.add (local.get $at) (i32.const 16)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 96)))
              (local.set $p (i32.add (local.get $p) (i32.const 2)))
              (br $p_loop)))))
          (block $p_done (loop $p_loop
            (br_if $p_done (i32.ge_u (local.get $p) (local.get $kc)))
            (f64.store offset=0 (local.get $dst) (f64.load (local.get $at)))
            (f64.store offset=8 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $rs))))
            (f64.store offset=16 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $rs2))))
            (f64.store offset=24 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $rs3))))
            (f64.store offset=32 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $rs4))))
            (f64.store offset=40 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $rs5))))
            (local.set $at (i32.add (local.get $at) (local.get $cs)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 48)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $p_loop)))))
      (local.set $i (i32.add (local.get $i) (i32.const 6)))
      (br $full)))
    ;; The last, partial panel (rows past mc read as zero).
    (block $i_done (loop $i_loop
      (br_if $i_done (i32.ge_u (local.get $i) (local.get $mc)))
      (local.set $rows (i32.sub (local.get $mc) (local.get $i)))
      (local.set $p (i32.const 0))
      (block $p_done (loop $p_loop
        (br_if $p_done (i32.ge_u (local.get $p) (local.get $kc)))
        (local.set $at (i32.add (local.get $src) (i32.add (i32.mul (local.get $i) (local.get $rs)) (i32.mul (local.get $p) (local.get $cs)))))
        (local.set $r (i32.const 0))
        (block $r_done (loop $r_loop
          (br_if $r_done (i32.ge_u (local.get $r) (i32.const 6)))
          (f64.store (local.get $dst) (select (f64.load (select (local.get $at) (local.get $src) (i32.lt_u (local.get $r) (local.get $rows)))) (f64.const 0) (i32.lt_u (local.get $r) (local.get $rows))))
          (local.set $at (i32.add (local.get $at) (local.get $rs)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $r_loop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $p_loop)))
      (local.set $i (i32.add (local.get $i) (i32.const 6)))
      (br $i_loop))))

  ;; Packs the kc×nc block of op(B) at byte src (B(p, j) at src + 8·(p·rsb + j·csb)) into dst as
  ;; panels of NR columns: panel q holds B(p, q·NR + c) at dst + 8·(q·NR·kc + p·NR + c), columns past nc zero.
  (func $packB (param $src i32) (param $rsb i32) (param $csb i32) (param $kc i32) (param $nc i32) (param $dst i32)
    (local $j i32) (local $p i32) (local $c i32) (local $cols i32) (local $at i32) (local $rs i32) (local $cs i32)
    (local $cs2 i32) (local $cs3 i32)
    (local.set $rs (i32.shl (local.get $rsb) (i32.const 3)))
    (local.set $cs (i32.shl (local.get $csb) (i32.const 3)))
    (local.set $cs2 (i32.add (local.get $cs) (local.get $cs)))
    (local.set $cs3 (i32.add (local.get $cs2) (local.get $cs)))
    ;; Whole panels of 4 columns: four loads and stores a step (two vector ones when the
    ;; columns are adjacent, csb = 1), no tests.
    (block $full_done (loop $full
      (br_if $full_done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $nc)))
      (local.set $at (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $cs))))
      (local.set $p (i32.const 0))
      (block $p_done (loop $p_loop
        (br_if $p_done (i32.ge_u (local.get $p) (local.get $kc)))
        (if (i32.eq (local.get $cs) (i32.const 8))
          (then
            (v128.store offset=0 align=8 (local.get $dst) (v128.load align=8 (local.get $at)))
            (v128.store offset=16 align=8 (local.get $dst) (v128.load offset=16 align=8 (local.get $at))))
          (else
            (f64.store offset=0 (local.get $dst) (f64.load (local.get $at)))
            (f64.store offset=8 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $cs))))
            (f64.store offset=16 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $cs2))))
            (f64.store offset=24 (local.get $dst) (f64.load (i32.add (local.get $at) (local.get $cs3))))))
        (local.set $at (i32.add (local.get $at) (local.get $rs)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $p_loop)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $full)))
    ;; The last, partial panel (columns past nc read as zero).
    (block $j_done (loop $j_loop
      (br_if $j_done (i32.ge_u (local.get $j) (local.get $nc)))
      (local.set $cols (i32.sub (local.get $nc) (local.get $j)))
      (local.set $p (i32.const 0))
      (block $p_done (loop $p_loop
        (br_if $p_done (i32.ge_u (local.get $p) (local.get $kc)))
        (local.set $at (i32.add (local.get $src) (i32.add (i32.mul (local.get $p) (local.get $rs)) (i32.mul (local.get $j) (local.get $cs)))))
        (local.set $c (i32.const 0))
        (block $c_done (loop $c_loop
          (br_if $c_done (i32.ge_u (local.get $c) (i32.const 4)))
          (f64.store (local.get $dst) (select (f64.load (select (local.get $at) (local.get $src) (i32.lt_u (local.get $c) (local.get $cols)))) (f64.const 0) (i32.lt_u (local.get $c) (local.get $cols))))
          (local.set $at (i32.add (local.get $at) (local.get $cs)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $c_loop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $p_loop)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $j_loop))))

  ;; The driver: loops over column blocks (NC), depth blocks (KC), row blocks (MC), then the
  ;; tiles of each block, NR-column panels outermost so that one packed panel of op(B) is reused
  ;; from L1 by all the row panels of the block.
  (func (export "gemm") (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $rsa i32) (param $csa i32)
    (param $b i32) (param $rsb i32) (param $csb i32) (param $c i32) (param $ldc i32) (param $beta i32) (param $work i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32) (local $jr i32) (local $ir i32)
    (local $pa i32) (local $pb i32) (local $tile i32) (local $acc i32) (local $row i32) (local $j i32)
    (local $direct i32) (local $full i32) (local $ta i32) (local $sa i32) (local $tb i32) (local $tc i32) (local $mr i32) (local $nr i32)
    (if (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))) (then (return)))
    (local.set $pa (local.get $work))
    (local.set $pb (i32.add (local.get $work) (i32.const 196608)))
    (local.set $tile (i32.add (local.get $pb) (i32.const 1048576)))
    (if (i32.eqz (local.get $k)) (then
      (if (local.get $beta) (then (return)))
      (block $z_done (loop $z_rows
        (br_if $z_done (i32.ge_u (local.get $ic) (local.get $m)))
        (local.set $row (i32.add (local.get $c) (i32.shl (i32.mul (local.get $ic) (local.get $ldc)) (i32.const 3))))
        (memory.fill (local.get $row) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
        (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
        (br $z_rows)))
      (return)))
    (local.set $direct (i32.and (i32.and (i32.eq (local.get $rsa) (i32.const 1)) (i32.le_u (local.get $n) (i32.const 16)))
      (i32.le_u (i32.mul (local.get $m) (local.get $k)) (i32.const 131072))))
    (block $jc_done (loop $jc_loop
      (br_if $jc_done (i32.ge_u (local.get $jc) (local.get $n)))
      (local.set $nc (select (i32.sub (local.get $n) (local.get $jc)) (i32.const 512) (i32.lt_u (i32.sub (local.get $n) (local.get $jc)) (i32.const 512))))
      (local.set $pc (i32.const 0))
      (block $pc_done (loop $pc_loop
        (br_if $pc_done (i32.ge_u (local.get $pc) (local.get $k)))
        (local.set $kc (select (i32.sub (local.get $k) (local.get $pc)) (i32.const 256) (i32.lt_u (i32.sub (local.get $k) (local.get $pc)) (i32.const 256))))
        (local.set $acc (i32.or (local.get $beta) (local.get $pc)))
        (call $packB
          (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $rsb)) (i32.mul (local.get $jc) (local.get $csb))) (i32.const 3)))
          (local.get $rsb) (local.get $csb) (local.get $kc) (local.get $nc) (local.get $pb))
        (local.set $ic (i32.const 0))
        (block $ic_done (loop $ic_loop
          (br_if $ic_done (i32.ge_u (local.get $ic) (local.get $m)))
          (local.set $mc (select (i32.sub (local.get $m) (local.get $ic)) (i32.const 96) (i32.lt_u (i32.sub (local.get $m) (local.get $ic)) (i32.const 96))))
          ;; Rows [ic, ic + full) of op(A) are read in place, the rest packed.
          (local.set $full (select (i32.sub (local.get $mc) (i32.rem_u (local.get $mc) (i32.const 6))) (i32.const 0) (local.get $direct)))
          (if (i32.lt_u (local.get $full) (local.get $mc)) (then
            (call $packA
              (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (i32.add (local.get $ic) (local.get $full)) (local.get $rsa)) (i32.mul (local.get $pc) (local.get $csa))) (i32.const 3)))
              (local.get $rsa) (local.get $csa) (i32.sub (local.get $mc) (local.get $full)) (local.get $kc) (local.get $pa))))
          (local.set $jr (i32.const 0))
          (block $jr_done (loop $jr_loop
            (br_if $jr_done (i32.ge_u (local.get $jr) (local.get $nc)))
            (local.set $nr (select (i32.sub (local.get $nc) (local.get $jr)) (i32.const 4) (i32.lt_u (i32.sub (local.get $nc) (local.get $jr)) (i32.const 4))))
            (local.set $tb (i32.add (local.get $pb) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 3))))
            (local.set $ir (i32.const 0))
            (block $ir_done (loop $ir_loop
              (br_if $ir_done (i32.ge_u (local.get $ir) (local.get $mc)))
              (if (i32.lt_u (local.get $ir) (local.get $full))
                (then
                  (local.set $ta (i32.add (local.get $a) (i32.shl (i32.add (i32.add (local.get $ic) (local.get $ir)) (i32.mul (local.get $pc) (local.get $csa))) (i32.const 3))))
                  (local.set $sa (i32.shl (local.get $csa) (i32.const 3))))
                (else
                  (local.set $ta (i32.add (local.get $pa) (i32.shl (i32.mul (i32.sub (local.get $ir) (local.get $full)) (local.get $kc)) (i32.const 3))))
                  (local.set $sa (i32.const 48))))
              (local.set $mr (select (i32.sub (local.get $mc) (local.get $ir)) (i32.const 6) (i32.lt_u (i32.sub (local.get $mc) (local.get $ir)) (i32.const 6))))
              (local.set $tc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc)) (i32.add (local.get $jc) (local.get $jr))) (i32.const 3))))
              (if (i32.le_u (local.get $nr) (i32.const 2))
                (then (call $kernel2 (local.get $kc) (local.get $ta) (local.get $sa) (local.get $tb) (local.get $tc) (local.get $ldc) (local.get $mr) (local.get $nr) (local.get $acc) (local.get $tile)))
                (else (call $kernel (local.get $kc) (local.get $ta) (local.get $sa) (local.get $tb) (local.get $tc) (local.get $ldc) (local.get $mr) (local.get $nr) (local.get $acc) (local.get $tile))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 6)))
              (br $ir_loop)))
            (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
            (br $jr_loop)))
          (local.set $ic (i32.add (local.get $ic) (i32.const 96)))
          (br $ic_loop)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 256)))
        (br $pc_loop)))
      (local.set $jc (i32.add (local.get $jc) (i32.const 512)))
      (br $jc_loop))))
)
