;; Elementwise kernels of the autodiff plans in WebAssembly SIMD (f64x2), the source of
;; elementwise-wasm-bytes.ts (assembled by scripts/build-wasm.mjs with wabt; a test checks that
;; the embedded bytes are this file's). They run in place on the arrays of a plan's arena (the
;; WebAssembly memory of its matrix products, plan-arena.ts), from elementwise-wasm.ts.
;;
;; Every array argument is a BYTE offset into the imported memory (8-byte aligned; the loads and
;; stores declare align=8), counts are elements. Any count ≥ 0 is correct: a SIMD loop over
;; blocks of 4 elements, then a scalar tail. Each output element is one IEEE operation on its
;; operands (no fused multiply–add) and the column sums add the rows in order, so the results
;; are bit for bit those of the JavaScript loops in add.ts, sub.ts, mul.ts, neg.ts and sum.ts.
;; Outputs never overlap inputs except exactly (o = a), which is also correct.
(module
  (memory (import "env" "memory") 1 65536)

  ;; o[i] = a[i] + b[i], i < n
  (func (export "add") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (v128.load align=8 (i32.add (local.get $b) (local.get $i)))))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.add (f64.load (i32.add (local.get $a) (local.get $i))) (f64.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s))))

  ;; o[i] = a[i] + y, i < n
  (func (export "addScalar") (param $a i32) (param $y f64) (param $o i32) (param $n i32)
    (local $i i32) (local $end i32) (local $yy v128)
    (local.set $yy (f64x2.splat (local.get $y)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.add (f64.load (i32.add (local.get $a) (local.get $i))) (local.get $y)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s))))

  ;; o[r·m + j] = a[r·m + j] + b[j], r < rows, j < m (a bias along the last axes)
  (func (export "addRow") (param $a i32) (param $b i32) (param $o i32) (param $rows i32) (param $m i32)
    (local $i i32) (local $end i32) (local $r i32) (local $bi i32) (local $step i32)
    (local.set $step (i32.shl (local.get $m) (i32.const 3)))
    (block $rdone (loop $row
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $m) (i32.const -4)) (i32.const 3)))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (v128.load align=8 (i32.add (local.get $b) (local.get $i)))))
        (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (local.set $end (i32.shl (local.get $m) (i32.const 3)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $o) (local.get $i)) (f64.add (f64.load (i32.add (local.get $a) (local.get $i))) (f64.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $s)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; o[r·rep + j] = a[r·rep + j] + b[r], r < rows, j < rep (one value per leading index)
  (func (export "addCol") (param $a i32) (param $b i32) (param $o i32) (param $rows i32) (param $rep i32)
    (local $i i32) (local $end i32) (local $r i32) (local $y f64) (local $yy v128) (local $step i32)
    (local.set $step (i32.shl (local.get $rep) (i32.const 3)))
    (block $rdone (loop $row
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $y (f64.load (i32.add (local.get $b) (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $yy (f64x2.splat (local.get $y)))
      (local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $rep) (i32.const -4)) (i32.const 3)))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
        (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (local.set $end (i32.shl (local.get $rep) (i32.const 3)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $o) (local.get $i)) (f64.add (f64.load (i32.add (local.get $a) (local.get $i))) (local.get $y)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $s)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; o[i] = a[i] − b[i], i < n
  (func (export "sub") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (v128.load align=8 (i32.add (local.get $b) (local.get $i)))))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.sub (f64.load (i32.add (local.get $a) (local.get $i))) (f64.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s))))

  ;; o[i] = a[i] − y, i < n
  (func (export "subScalar") (param $a i32) (param $y f64) (param $o i32) (param $n i32)
    (local $i i32) (local $end i32) (local $yy v128)
    (local.set $yy (f64x2.splat (local.get $y)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.sub (f64.load (i32.add (local.get $a) (local.get $i))) (local.get $y)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s))))

  ;; o[r·m + j] = a[r·m + j] − b[j], r < rows, j < m (a bias along the last axes)
  (func (export "subRow") (param $a i32) (param $b i32) (param $o i32) (param $rows i32) (param $m i32)
    (local $i i32) (local $end i32) (local $r i32) (local $bi i32) (local $step i32)
    (local.set $step (i32.shl (local.get $m) (i32.const 3)))
    (block $rdone (loop $row
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $m) (i32.const -4)) (i32.const 3)))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (v128.load align=8 (i32.add (local.get $b) (local.get $i)))))
        (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (local.set $end (i32.shl (local.get $m) (i32.const 3)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $o) (local.get $i)) (f64.sub (f64.load (i32.add (local.get $a) (local.get $i))) (f64.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $s)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; o[r·rep + j] = a[r·rep + j] − b[r], r < rows, j < rep (one value per leading index)
  (func (export "subCol") (param $a i32) (param $b i32) (param $o i32) (param $rows i32) (param $rep i32)
    (local $i i32) (local $end i32) (local $r i32) (local $y f64) (local $yy v128) (local $step i32)
    (local.set $step (i32.shl (local.get $rep) (i32.const 3)))
    (block $rdone (loop $row
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $y (f64.load (i32.add (local.get $b) (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $yy (f64x2.splat (local.get $y)))
      (local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $rep) (i32.const -4)) (i32.const 3)))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
        (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (local.set $end (i32.shl (local.get $rep) (i32.const 3)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $o) (local.get $i)) (f64.sub (f64.load (i32.add (local.get $a) (local.get $i))) (local.get $y)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $s)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; o[i] = a[i] · b[i], i < n
  (func (export "mul") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (v128.load align=8 (i32.add (local.get $b) (local.get $i)))))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.mul (f64.load (i32.add (local.get $a) (local.get $i))) (f64.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s))))

  ;; o[i] = a[i] · y, i < n
  (func (export "mulScalar") (param $a i32) (param $y f64) (param $o i32) (param $n i32)
    (local $i i32) (local $end i32) (local $yy v128)
    (local.set $yy (f64x2.splat (local.get $y)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.mul (f64.load (i32.add (local.get $a) (local.get $i))) (local.get $y)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s))))

  ;; o[r·m + j] = a[r·m + j] · b[j], r < rows, j < m (a bias along the last axes)
  (func (export "mulRow") (param $a i32) (param $b i32) (param $o i32) (param $rows i32) (param $m i32)
    (local $i i32) (local $end i32) (local $r i32) (local $bi i32) (local $step i32)
    (local.set $step (i32.shl (local.get $m) (i32.const 3)))
    (block $rdone (loop $row
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $m) (i32.const -4)) (i32.const 3)))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (v128.load align=8 (i32.add (local.get $b) (local.get $i)))))
        (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (local.set $end (i32.shl (local.get $m) (i32.const 3)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $o) (local.get $i)) (f64.mul (f64.load (i32.add (local.get $a) (local.get $i))) (f64.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $s)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; o[r·rep + j] = a[r·rep + j] · b[r], r < rows, j < rep (one value per leading index)
  (func (export "mulCol") (param $a i32) (param $b i32) (param $o i32) (param $rows i32) (param $rep i32)
    (local $i i32) (local $end i32) (local $r i32) (local $y f64) (local $yy v128) (local $step i32)
    (local.set $step (i32.shl (local.get $rep) (i32.const 3)))
    (block $rdone (loop $row
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $y (f64.load (i32.add (local.get $b) (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $yy (f64x2.splat (local.get $y)))
      (local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $rep) (i32.const -4)) (i32.const 3)))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
        (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.mul (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i))) (local.get $yy)))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (local.set $end (i32.shl (local.get $rep) (i32.const 3)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $o) (local.get $i)) (f64.mul (f64.load (i32.add (local.get $a) (local.get $i))) (local.get $y)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $s)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; o[i] = −a[i], i < n
  (func (export "neg") (param $a i32) (param $o i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.neg (v128.load align=8 (i32.add (local.get $a) (local.get $i)))))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.neg (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.neg (f64.load (i32.add (local.get $a) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s))))

  ;; o[j] = ((x[0, j] + x[1, j]) + x[2, j]) + …, j < m, over rows ≥ 1 rows of m (the bias gradient)
  (func (export "sumRows") (param $x i32) (param $o i32) (param $rows i32) (param $m i32)
    (local $i i32) (local $end i32) (local $r i32) (local $step i32)
    (local.set $step (i32.shl (local.get $m) (i32.const 3)))
    (local.set $end (i32.shl (i32.and (local.get $m) (i32.const -4)) (i32.const 3)))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (v128.load align=8 (i32.add (local.get $x) (local.get $i))))
      (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (v128.load offset=16 align=8 (i32.add (local.get $x) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $v)))
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
      (f64.store (i32.add (local.get $o) (local.get $i)) (f64.load (i32.add (local.get $x) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $s)))
    (local.set $r (i32.const 1))
    (block $rdone (loop $row
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $x (i32.add (local.get $x) (local.get $step)))
      (local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $m) (i32.const -4)) (i32.const 3)))
      (block $vdone (loop $v
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load align=8 (i32.add (local.get $o) (local.get $i))) (v128.load align=8 (i32.add (local.get $x) (local.get $i)))))
        (v128.store offset=16 align=8 (i32.add (local.get $o) (local.get $i)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $o) (local.get $i))) (v128.load offset=16 align=8 (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $v)))
      (local.set $end (i32.shl (local.get $m) (i32.const 3)))
      (block $sdone (loop $s
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $o) (local.get $i)) (f64.add (f64.load (i32.add (local.get $o) (local.get $i))) (f64.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $s)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))
)
