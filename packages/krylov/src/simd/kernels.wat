;; Vector kernels of the krylov solver loops in WebAssembly SIMD (f64x2), the source of
;; kernels-wasm.ts (assembled by scripts/build-wasm.mjs with wabt; a test checks that the
;; embedded bytes are this file's).
;;
;; Every vector argument is a BYTE offset into the imported memory (8-byte aligned; 16 is
;; better but not required: the loads and stores declare align=8), n the element count. Any
;; n ≥ 0 is correct: a SIMD main loop over whole blocks, then a scalar tail.
;;
;; The summation order is fixed and mirrored exactly by the JavaScript kernels of
;; ../kernels.ts, so the two backends give bit-identical results (there is no fused
;; multiply–add here: each product is rounded, then added, as in JavaScript):
;; - dot: 8 partial sums sⱼ over i ≡ j (mod 8) in the blocks of 8, combined as
;;   ((s₀ + s₂) + (s₄ + s₆)) + ((s₁ + s₃) + (s₅ + s₇)), then the tail added in order;
;; - the fused updates returning a sum of squares or products: 4 partial sums over
;;   i ≡ j (mod 4) in the blocks of 4, combined as (s₀ + s₂) + (s₁ + s₃), then the tail.
(module
  (memory (import "env" "memory") 1)

  ;; Σ aᵢbᵢ
  (func (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $s f64)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul
          (v128.load align=8 (i32.add (local.get $a) (local.get $i)))
          (v128.load align=8 (i32.add (local.get $b) (local.get $i))))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul
          (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i)))
          (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i))))))
        (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul
          (v128.load offset=32 align=8 (i32.add (local.get $a) (local.get $i)))
          (v128.load offset=32 align=8 (i32.add (local.get $b) (local.get $i))))))
        (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul
          (v128.load offset=48 align=8 (i32.add (local.get $a) (local.get $i)))
          (v128.load offset=48 align=8 (i32.add (local.get $b) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $block)))
    ;; lanes (even, odd): ((s₀ + s₂) + (s₄ + s₆)), ((s₁ + s₃) + (s₅ + s₇))
    (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.mul
          (f64.load (i32.add (local.get $a) (local.get $i)))
          (f64.load (i32.add (local.get $b) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; x ← x + αp, r ← r − αq; returns ‖r‖² (the CG update)
  (func (export "cgStep") (param $x i32) (param $r i32) (param $p i32) (param $q i32) (param $alpha f64) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $s f64) (local $ri f64)
    (local $va v128) (local $v v128) (local $s0 v128) (local $s1 v128)
    (local.set $va (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $x) (local.get $i)) (f64x2.add
          (v128.load align=8 (i32.add (local.get $x) (local.get $i)))
          (f64x2.mul (local.get $va) (v128.load align=8 (i32.add (local.get $p) (local.get $i))))))
        (local.set $v (f64x2.sub
          (v128.load align=8 (i32.add (local.get $r) (local.get $i)))
          (f64x2.mul (local.get $va) (v128.load align=8 (i32.add (local.get $q) (local.get $i))))))
        (v128.store align=8 (i32.add (local.get $r) (local.get $i)) (local.get $v))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $v) (local.get $v))))
        (v128.store offset=16 align=8 (i32.add (local.get $x) (local.get $i)) (f64x2.add
          (v128.load offset=16 align=8 (i32.add (local.get $x) (local.get $i)))
          (f64x2.mul (local.get $va) (v128.load offset=16 align=8 (i32.add (local.get $p) (local.get $i))))))
        (local.set $v (f64x2.sub
          (v128.load offset=16 align=8 (i32.add (local.get $r) (local.get $i)))
          (f64x2.mul (local.get $va) (v128.load offset=16 align=8 (i32.add (local.get $q) (local.get $i))))))
        (v128.store offset=16 align=8 (i32.add (local.get $r) (local.get $i)) (local.get $v))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $block)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $x) (local.get $i)) (f64.add
          (f64.load (i32.add (local.get $x) (local.get $i)))
          (f64.mul (local.get $alpha) (f64.load (i32.add (local.get $p) (local.get $i))))))
        (local.set $ri (f64.sub
          (f64.load (i32.add (local.get $r) (local.get $i)))
          (f64.mul (local.get $alpha) (f64.load (i32.add (local.get $q) (local.get $i))))))
        (f64.store (i32.add (local.get $r) (local.get $i)) (local.get $ri))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $ri) (local.get $ri))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; p ← z + βp
  (func (export "xpby") (param $z i32) (param $beta f64) (param $p i32) (param $n i32)
    (local $i i32) (local $end i32) (local $vb v128)
    (local.set $vb (f64x2.splat (local.get $beta)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $p) (local.get $i)) (f64x2.add
          (v128.load align=8 (i32.add (local.get $z) (local.get $i)))
          (f64x2.mul (local.get $vb) (v128.load align=8 (i32.add (local.get $p) (local.get $i))))))
        (v128.store offset=16 align=8 (i32.add (local.get $p) (local.get $i)) (f64x2.add
          (v128.load offset=16 align=8 (i32.add (local.get $z) (local.get $i)))
          (f64x2.mul (local.get $vb) (v128.load offset=16 align=8 (i32.add (local.get $p) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $block)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $p) (local.get $i)) (f64.add
          (f64.load (i32.add (local.get $z) (local.get $i)))
          (f64.mul (local.get $beta) (f64.load (i32.add (local.get $p) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail))))

  ;; y ← y + αx
  (func (export "axpy") (param $alpha f64) (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $end i32) (local $va v128)
    (local.set $va (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $y) (local.get $i)) (f64x2.add
          (v128.load align=8 (i32.add (local.get $y) (local.get $i)))
          (f64x2.mul (local.get $va) (v128.load align=8 (i32.add (local.get $x) (local.get $i))))))
        (v128.store offset=16 align=8 (i32.add (local.get $y) (local.get $i)) (f64x2.add
          (v128.load offset=16 align=8 (i32.add (local.get $y) (local.get $i)))
          (f64x2.mul (local.get $va) (v128.load offset=16 align=8 (i32.add (local.get $x) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $block)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $y) (local.get $i)) (f64.add
          (f64.load (i32.add (local.get $y) (local.get $i)))
          (f64.mul (local.get $alpha) (f64.load (i32.add (local.get $x) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail))))

  ;; out ← αx (out may be x)
  (func (export "scale") (param $alpha f64) (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32) (local $va v128)
    (local.set $va (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=8 (i32.add (local.get $out) (local.get $i))
          (f64x2.mul (local.get $va) (v128.load align=8 (i32.add (local.get $x) (local.get $i)))))
        (v128.store offset=16 align=8 (i32.add (local.get $out) (local.get $i))
          (f64x2.mul (local.get $va) (v128.load offset=16 align=8 (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $block)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (f64.store (i32.add (local.get $out) (local.get $i))
          (f64.mul (local.get $alpha) (f64.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail))))

  ;; out ← a − cb (out may be a or b); returns ‖out‖²
  (func (export "subScaledNorm2") (param $a i32) (param $c f64) (param $b i32) (param $out i32) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $s f64) (local $t f64)
    (local $vc v128) (local $v v128) (local $s0 v128) (local $s1 v128)
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (f64x2.sub
          (v128.load align=8 (i32.add (local.get $a) (local.get $i)))
          (f64x2.mul (local.get $vc) (v128.load align=8 (i32.add (local.get $b) (local.get $i))))))
        (v128.store align=8 (i32.add (local.get $out) (local.get $i)) (local.get $v))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $v (f64x2.sub
          (v128.load offset=16 align=8 (i32.add (local.get $a) (local.get $i)))
          (f64x2.mul (local.get $vc) (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i))))))
        (v128.store offset=16 align=8 (i32.add (local.get $out) (local.get $i)) (local.get $v))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $block)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64.sub
          (f64.load (i32.add (local.get $a) (local.get $i)))
          (f64.mul (local.get $c) (f64.load (i32.add (local.get $b) (local.get $i))))))
        (f64.store (i32.add (local.get $out) (local.get $i)) (local.get $t))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; out ← (b − y) + σx (out may be any of them); returns ‖out‖² (the residual of (A − σI)x = b, y = Ax)
  (func (export "shiftedResidual") (param $b i32) (param $y i32) (param $x i32) (param $sigma f64) (param $out i32) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $s f64) (local $t f64)
    (local $vs v128) (local $v v128) (local $s0 v128) (local $s1 v128)
    (local.set $vs (f64x2.splat (local.get $sigma)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (f64x2.add
          (f64x2.sub
            (v128.load align=8 (i32.add (local.get $b) (local.get $i)))
            (v128.load align=8 (i32.add (local.get $y) (local.get $i))))
          (f64x2.mul (local.get $vs) (v128.load align=8 (i32.add (local.get $x) (local.get $i))))))
        (v128.store align=8 (i32.add (local.get $out) (local.get $i)) (local.get $v))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $v (f64x2.add
          (f64x2.sub
            (v128.load offset=16 align=8 (i32.add (local.get $b) (local.get $i)))
            (v128.load offset=16 align=8 (i32.add (local.get $y) (local.get $i))))
          (f64x2.mul (local.get $vs) (v128.load offset=16 align=8 (i32.add (local.get $x) (local.get $i))))))
        (v128.store offset=16 align=8 (i32.add (local.get $out) (local.get $i)) (local.get $v))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $block)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64.add
          (f64.sub
            (f64.load (i32.add (local.get $b) (local.get $i)))
            (f64.load (i32.add (local.get $y) (local.get $i))))
          (f64.mul (local.get $sigma) (f64.load (i32.add (local.get $x) (local.get $i))))))
        (f64.store (i32.add (local.get $out) (local.get $i)) (local.get $t))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; MINRES Lanczos step: y ← (Av − σv) − c·r₁ written over Av; returns vᵀy (= α)
  (func (export "minresLanczos") (param $av i32) (param $v i32) (param $r1 i32) (param $sigma f64) (param $c f64) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $s f64) (local $t f64)
    (local $vs v128) (local $vc v128) (local $y v128) (local $s0 v128) (local $s1 v128)
    (local.set $vs (f64x2.splat (local.get $sigma)))
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $y (f64x2.sub
          (f64x2.sub
            (v128.load align=8 (i32.add (local.get $av) (local.get $i)))
            (f64x2.mul (local.get $vs) (v128.load align=8 (i32.add (local.get $v) (local.get $i)))))
          (f64x2.mul (local.get $vc) (v128.load align=8 (i32.add (local.get $r1) (local.get $i))))))
        (v128.store align=8 (i32.add (local.get $av) (local.get $i)) (local.get $y))
        (local.set $s0 (f64x2.add (local.get $s0)
          (f64x2.mul (v128.load align=8 (i32.add (local.get $v) (local.get $i))) (local.get $y))))
        (local.set $y (f64x2.sub
          (f64x2.sub
            (v128.load offset=16 align=8 (i32.add (local.get $av) (local.get $i)))
            (f64x2.mul (local.get $vs) (v128.load offset=16 align=8 (i32.add (local.get $v) (local.get $i)))))
          (f64x2.mul (local.get $vc) (v128.load offset=16 align=8 (i32.add (local.get $r1) (local.get $i))))))
        (v128.store offset=16 align=8 (i32.add (local.get $av) (local.get $i)) (local.get $y))
        (local.set $s1 (f64x2.add (local.get $s1)
          (f64x2.mul (v128.load offset=16 align=8 (i32.add (local.get $v) (local.get $i))) (local.get $y))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $block)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64.sub
          (f64.sub
            (f64.load (i32.add (local.get $av) (local.get $i)))
            (f64.mul (local.get $sigma) (f64.load (i32.add (local.get $v) (local.get $i)))))
          (f64.mul (local.get $c) (f64.load (i32.add (local.get $r1) (local.get $i))))))
        (f64.store (i32.add (local.get $av) (local.get $i)) (local.get $t))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.load (i32.add (local.get $v) (local.get $i))) (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail)))
    (local.get $s))

  ;; MINRES update: w ← ((v − ε·w₁) − δ·w₂)·g written over w₁; x ← x + φw; v ← s·y
  (func (export "minresUpdate") (param $v i32) (param $w1 i32) (param $w2 i32) (param $x i32) (param $y i32)
    (param $eps f64) (param $delta f64) (param $g f64) (param $phi f64) (param $s f64) (param $n i32)
    (local $i i32) (local $end i32) (local $t f64)
    (local $ve v128) (local $vd v128) (local $vg v128) (local $vp v128) (local $vs v128) (local $w v128)
    (local.set $ve (f64x2.splat (local.get $eps)))
    (local.set $vd (f64x2.splat (local.get $delta)))
    (local.set $vg (f64x2.splat (local.get $g)))
    (local.set $vp (f64x2.splat (local.get $phi)))
    (local.set $vs (f64x2.splat (local.get $s)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $w (f64x2.mul
          (f64x2.sub
            (f64x2.sub
              (v128.load align=8 (i32.add (local.get $v) (local.get $i)))
              (f64x2.mul (local.get $ve) (v128.load align=8 (i32.add (local.get $w1) (local.get $i)))))
            (f64x2.mul (local.get $vd) (v128.load align=8 (i32.add (local.get $w2) (local.get $i)))))
          (local.get $vg)))
        (v128.store align=8 (i32.add (local.get $w1) (local.get $i)) (local.get $w))
        (v128.store align=8 (i32.add (local.get $x) (local.get $i)) (f64x2.add
          (v128.load align=8 (i32.add (local.get $x) (local.get $i)))
          (f64x2.mul (local.get $vp) (local.get $w))))
        (v128.store align=8 (i32.add (local.get $v) (local.get $i))
          (f64x2.mul (local.get $vs) (v128.load align=8 (i32.add (local.get $y) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $block)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64.mul
          (f64.sub
            (f64.sub
              (f64.load (i32.add (local.get $v) (local.get $i)))
              (f64.mul (local.get $eps) (f64.load (i32.add (local.get $w1) (local.get $i)))))
            (f64.mul (local.get $delta) (f64.load (i32.add (local.get $w2) (local.get $i)))))
          (local.get $g)))
        (f64.store (i32.add (local.get $w1) (local.get $i)) (local.get $t))
        (f64.store (i32.add (local.get $x) (local.get $i)) (f64.add
          (f64.load (i32.add (local.get $x) (local.get $i)))
          (f64.mul (local.get $phi) (local.get $t))))
        (f64.store (i32.add (local.get $v) (local.get $i))
          (f64.mul (local.get $s) (f64.load (i32.add (local.get $y) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail))))
)
