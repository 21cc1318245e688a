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
;;   i ≡ j (mod 4) in the blocks of 4, combined as (s₀ + s₂) + (s₁ + s₃), then the tail;
;; - the Lanczos basis kernels (../lanczos/kernels.ts) on a basis V of consecutive columns
;;   (column c at byte V + 8·c·n), swept in blocks of `block` rows (an argument): in each
;;   block, a column's sum has 2 partial sums over the even and the odd rows of the block's
;;   pairs, added (even + odd), then the block's last row when the block is odd, then into
;;   the running total; the restart combination sums each entry over the columns in order.
(module
  (memory (import "env" "memory") 1 65536)

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


  ;; ---- Lanczos basis kernels (V: byte offset of column 0; column c at V + 8·c·n) ----

  ;; The sum of a column's block: (even + odd) of its lanes, plus V[last]·w[last] when the block
  ;; is odd (`$i` is then the byte offset of that row, `$odd` nonzero).
  (func $blockSum (param $a v128) (param $p i32) (param $pw i32) (param $i i32) (param $odd i32) (result f64)
    (local $t f64)
    (local.set $t (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))
    (if (local.get $odd)
      (then (local.set $t (f64.add (local.get $t) (f64.mul
        (f64.load (i32.add (local.get $p) (local.get $i)))
        (f64.load (i32.add (local.get $pw) (local.get $i))))))))
    (local.get $t))

  ;; One column's block sum Σ p[r]·w[r] over `pairs` bytes of whole pairs, plus the odd last row
  (func $colDot (param $p i32) (param $pw i32) (param $pairs i32) (param $odd i32) (result f64)
    (local $i i32) (local $a v128)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul
          (v128.load align=8 (i32.add (local.get $p) (local.get $i)))
          (v128.load align=8 (i32.add (local.get $pw) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $row)))
    (call $blockSum (local.get $a) (local.get $p) (local.get $pw) (local.get $i) (local.get $odd)))

  ;; h[c] ← h[c] + x (h a byte offset)
  (func $addTo (param $h i32) (param $c i32) (param $x f64)
    (local $p i32)
    (local.set $p (i32.add (local.get $h) (i32.shl (local.get $c) (i32.const 3))))
    (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $x))))

  ;; h[c] ← h[c] + v_cᵀw for c ∈ [from, to) (the caller zeroes h): blocks of `block` rows, four columns at a time (one load of
  ;; w for four f64x2 accumulators), then the remaining columns one at a time
  (func (export "basisDots") (param $V i32) (param $from i32) (param $to i32) (param $n i32) (param $w i32) (param $h i32) (param $block i32)
    (local $c i32) (local $r0 i32) (local $rows i32) (local $pairs i32) (local $odd i32) (local $i i32) (local $col i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $pw i32)
    (local $x v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $zero v128)
    (local.set $col (i32.shl (local.get $n) (i32.const 3)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $r0) (local.get $n)))
        (local.set $rows (i32.sub (local.get $n) (local.get $r0)))
        (if (i32.gt_u (local.get $rows) (local.get $block)) (then (local.set $rows (local.get $block))))
        (local.set $pairs (i32.shl (i32.and (local.get $rows) (i32.const -2)) (i32.const 3)))
        (local.set $odd (i32.and (local.get $rows) (i32.const 1)))
        (local.set $pw (i32.add (local.get $w) (i32.shl (local.get $r0) (i32.const 3))))
        (local.set $c (local.get $from))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $to)))
            (local.set $p0 (i32.add (local.get $V)
              (i32.add (i32.mul (local.get $c) (local.get $col)) (i32.shl (local.get $r0) (i32.const 3)))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $col)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $col)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $col)))
            (local.set $a0 (local.get $zero))
            (local.set $a1 (local.get $zero))
            (local.set $a2 (local.get $zero))
            (local.set $a3 (local.get $zero))
            (local.set $i (i32.const 0))
            (block $rowsDone
              (loop $row
                (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $pairs)))
                (local.set $x (v128.load align=8 (i32.add (local.get $pw) (local.get $i))))
                (local.set $a0 (f64x2.add (local.get $a0)
                  (f64x2.mul (v128.load align=8 (i32.add (local.get $p0) (local.get $i))) (local.get $x))))
                (local.set $a1 (f64x2.add (local.get $a1)
                  (f64x2.mul (v128.load align=8 (i32.add (local.get $p1) (local.get $i))) (local.get $x))))
                (local.set $a2 (f64x2.add (local.get $a2)
                  (f64x2.mul (v128.load align=8 (i32.add (local.get $p2) (local.get $i))) (local.get $x))))
                (local.set $a3 (f64x2.add (local.get $a3)
                  (f64x2.mul (v128.load align=8 (i32.add (local.get $p3) (local.get $i))) (local.get $x))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $row)))
            (call $addTo (local.get $h) (local.get $c)
              (call $blockSum (local.get $a0) (local.get $p0) (local.get $pw) (local.get $i) (local.get $odd)))
            (call $addTo (local.get $h) (i32.add (local.get $c) (i32.const 1))
              (call $blockSum (local.get $a1) (local.get $p1) (local.get $pw) (local.get $i) (local.get $odd)))
            (call $addTo (local.get $h) (i32.add (local.get $c) (i32.const 2))
              (call $blockSum (local.get $a2) (local.get $p2) (local.get $pw) (local.get $i) (local.get $odd)))
            (call $addTo (local.get $h) (i32.add (local.get $c) (i32.const 3))
              (call $blockSum (local.get $a3) (local.get $p3) (local.get $pw) (local.get $i) (local.get $odd)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $quads)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_u (local.get $c) (local.get $to)))
            (local.set $p0 (i32.add (local.get $V)
              (i32.add (i32.mul (local.get $c) (local.get $col)) (i32.shl (local.get $r0) (i32.const 3)))))
            (call $addTo (local.get $h) (local.get $c)
              (call $colDot (local.get $p0) (local.get $pw) (local.get $pairs) (local.get $odd)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $singles)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $rows)))
        (br $blocks))))

  ;; w ← w − Σ_{c∈[from,to)} h[c]·v_c on rows [0, len) of columns n apart (the worker pool passes one
  ;; block of rows at a time, V and w offset to it), returns ‖w‖²: blocks of `block` rows; in each, over the block's
  ;; pairs of rows, four columns at a time, w − (((h₀v₀ + h₁v₁) + h₂v₂) + h₃v₃), then the remaining
  ;; columns one at a time, w − h_c·v_c; the odd last row of the block w − h_c·v_c column by column;
  ;; then the block's ‖w‖² (as a column's sum in basisDots) added to the total
  (func (export "basisSubtract") (param $V i32) (param $from i32) (param $to i32) (param $n i32) (param $len i32) (param $w i32) (param $h i32) (param $block i32) (result f64)
    (local $c i32) (local $r0 i32) (local $rows i32) (local $pairs i32) (local $odd i32) (local $i i32) (local $col i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $pw i32) (local $ph i32) (local $ww f64)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $col (i32.shl (local.get $n) (i32.const 3)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $r0) (local.get $len)))
        (local.set $rows (i32.sub (local.get $len) (local.get $r0)))
        (if (i32.gt_u (local.get $rows) (local.get $block)) (then (local.set $rows (local.get $block))))
        (local.set $pairs (i32.shl (i32.and (local.get $rows) (i32.const -2)) (i32.const 3)))
        (local.set $odd (i32.and (local.get $rows) (i32.const 1)))
        (local.set $pw (i32.add (local.get $w) (i32.shl (local.get $r0) (i32.const 3))))
        (local.set $c (local.get $from))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $to)))
            (local.set $p0 (i32.add (local.get $V)
              (i32.add (i32.mul (local.get $c) (local.get $col)) (i32.shl (local.get $r0) (i32.const 3)))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $col)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $col)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $col)))
            (local.set $ph (i32.add (local.get $h) (i32.shl (local.get $c) (i32.const 3))))
            (local.set $v0 (v128.load64_splat (local.get $ph)))
            (local.set $v1 (v128.load64_splat offset=8 (local.get $ph)))
            (local.set $v2 (v128.load64_splat offset=16 (local.get $ph)))
            (local.set $v3 (v128.load64_splat offset=24 (local.get $ph)))
            (local.set $i (i32.const 0))
            (block $rowsDone
              (loop $row
                (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $pairs)))
                (v128.store align=8 (i32.add (local.get $pw) (local.get $i)) (f64x2.sub
                  (v128.load align=8 (i32.add (local.get $pw) (local.get $i)))
                  (f64x2.add
                    (f64x2.add
                      (f64x2.add
                        (f64x2.mul (local.get $v0) (v128.load align=8 (i32.add (local.get $p0) (local.get $i))))
                        (f64x2.mul (local.get $v1) (v128.load align=8 (i32.add (local.get $p1) (local.get $i)))))
                      (f64x2.mul (local.get $v2) (v128.load align=8 (i32.add (local.get $p2) (local.get $i)))))
                    (f64x2.mul (local.get $v3) (v128.load align=8 (i32.add (local.get $p3) (local.get $i)))))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $row)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $quads)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_u (local.get $c) (local.get $to)))
            (local.set $p0 (i32.add (local.get $V)
              (i32.add (i32.mul (local.get $c) (local.get $col)) (i32.shl (local.get $r0) (i32.const 3)))))
            (local.set $v0 (v128.load64_splat (i32.add (local.get $h) (i32.shl (local.get $c) (i32.const 3)))))
            (local.set $i (i32.const 0))
            (block $rowsDone
              (loop $row
                (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $pairs)))
                (v128.store align=8 (i32.add (local.get $pw) (local.get $i)) (f64x2.sub
                  (v128.load align=8 (i32.add (local.get $pw) (local.get $i)))
                  (f64x2.mul (local.get $v0) (v128.load align=8 (i32.add (local.get $p0) (local.get $i))))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $row)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $singles)))
        ;; the odd last row (byte offset $pairs in the block), column by column
        (if (local.get $odd)
          (then
            (local.set $p0 (i32.add (local.get $pw) (local.get $pairs)))
            (local.set $c (local.get $from))
            (block $oddDone
              (loop $oddRow
                (br_if $oddDone (i32.ge_u (local.get $c) (local.get $to)))
                (f64.store (local.get $p0) (f64.sub (f64.load (local.get $p0)) (f64.mul
                  (f64.load (i32.add (local.get $h) (i32.shl (local.get $c) (i32.const 3))))
                  (f64.load (i32.add (local.get $V) (i32.add (i32.mul (local.get $c) (local.get $col))
                    (i32.sub (local.get $p0) (local.get $w))))))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $oddRow)))))
        ;; the block's ‖w‖²
        (local.set $ww (f64.add (local.get $ww)
          (call $colDot (local.get $pw) (local.get $pw) (local.get $pairs) (local.get $odd))))
        (local.set $r0 (i32.add (local.get $r0) (local.get $rows)))
        (br $blocks)))
    (local.get $ww))

  ;; The thick-restart combination, one block of rows: out[c·stride/8 + r] ← Σ_{i<used} s[used·c + i]·V[r0 + r + i·n]
  ;; for c < nc, r < nb (even: the caller adds an odd last row). Each entry is summed over i in order from 0: the block of each output
  ;; column is zeroed, then four input columns at a time (one pass over the outputs adds
  ;; s₀v₀, s₁v₁, s₂v₂, s₃v₃ in turn), then the remaining ones. The outputs stay in the cache;
  ;; the input columns (a power-of-two stride apart when n is, which no cache can hold many
  ;; of) are each read once. $nb and $r are bytes.
  (func (export "combineBlock") (param $V i32) (param $n i32) (param $used i32) (param $s i32) (param $nc i32)
    (param $r0 i32) (param $nb i32) (param $out i32) (param $stride i32)
    (local $c i32) (local $i i32) (local $r i32) (local $col i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $ps i32) (local $po i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $col (i32.shl (local.get $n) (i32.const 3)))
    (local.set $V (i32.add (local.get $V) (i32.shl (local.get $r0) (i32.const 3))))
    (local.set $nb (i32.shl (local.get $nb) (i32.const 3)))
    ;; zero the output blocks
    (block $done
      (loop $zero
        (br_if $done (i32.ge_u (local.get $c) (local.get $nc)))
        (memory.fill (i32.add (local.get $out) (i32.mul (local.get $c) (local.get $stride))) (i32.const 0) (local.get $nb))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $zero)))
    (block $inputsDone
      (loop $inputs
        (br_if $inputsDone (i32.ge_u (local.get $i) (local.get $used)))
        (local.set $p0 (i32.add (local.get $V) (i32.mul (local.get $i) (local.get $col))))
        (local.set $c (i32.const 0))
        (block $outputsDone
          (loop $outputs
            (br_if $outputsDone (i32.ge_u (local.get $c) (local.get $nc)))
            (local.set $ps (i32.add (local.get $s) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $used)) (local.get $i)) (i32.const 3))))
            (local.set $po (i32.add (local.get $out) (i32.mul (local.get $c) (local.get $stride))))
            (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $used))
              (then
                ;; four inputs: out ← (((out + s₀v₀) + s₁v₁) + s₂v₂) + s₃v₃
                (local.set $p1 (i32.add (local.get $p0) (local.get $col)))
                (local.set $p2 (i32.add (local.get $p1) (local.get $col)))
                (local.set $p3 (i32.add (local.get $p2) (local.get $col)))
                (local.set $s0 (v128.load64_splat (local.get $ps)))
                (local.set $s1 (v128.load64_splat offset=8 (local.get $ps)))
                (local.set $s2 (v128.load64_splat offset=16 (local.get $ps)))
                (local.set $s3 (v128.load64_splat offset=24 (local.get $ps)))
                (local.set $r (i32.const 0))
                (block $rowsDone
                  (loop $row
                    (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $nb)))
                    (v128.store align=8 (i32.add (local.get $po) (local.get $r)) (f64x2.add (f64x2.add (f64x2.add (f64x2.add
                      (v128.load align=8 (i32.add (local.get $po) (local.get $r)))
                      (f64x2.mul (local.get $s0) (v128.load align=8 (i32.add (local.get $p0) (local.get $r)))))
                      (f64x2.mul (local.get $s1) (v128.load align=8 (i32.add (local.get $p1) (local.get $r)))))
                      (f64x2.mul (local.get $s2) (v128.load align=8 (i32.add (local.get $p2) (local.get $r)))))
                      (f64x2.mul (local.get $s3) (v128.load align=8 (i32.add (local.get $p3) (local.get $r))))))
                    (local.set $r (i32.add (local.get $r) (i32.const 16)))
                    (br $row))))
              (else
                ;; one input: out ← out + s₀v₀
                (local.set $s0 (v128.load64_splat (local.get $ps)))
                (local.set $r (i32.const 0))
                (block $rowsDone
                  (loop $row
                    (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $nb)))
                    (v128.store align=8 (i32.add (local.get $po) (local.get $r)) (f64x2.add
                      (v128.load align=8 (i32.add (local.get $po) (local.get $r)))
                      (f64x2.mul (local.get $s0) (v128.load align=8 (i32.add (local.get $p0) (local.get $r))))))
                    (local.set $r (i32.add (local.get $r) (i32.const 16)))
                    (br $row)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $outputs)))
        (local.set $i (i32.add (local.get $i) (select (i32.const 4) (i32.const 1) (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $used)))))
        (br $inputs))))
)
