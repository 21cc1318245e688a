;; The CSR products of csr.ts in WebAssembly (no SIMD), assembled by `npm run build:wasm` into
;; csr-wasm-bytes.ts. Arguments are byte offsets into the imported memory; the operator lays out
;; rowPointers (i32, m+1), colIndices (i32, nnz), values (f64, nnz), x and y (f64) in it.
;;
;; Both loops add the products of a row (or scatter them) in the order of the JavaScript loops
;; of csr.ts, one f64.mul and one f64.add each (WebAssembly never fuses them), so the two
;; backends agree to the bit. Measured on Poisson 512² (1.3M entries, Node 20): taking two rows
;; at a time (two independent sums, same order within each row) gained nothing over this loop,
;; which is bound by memory traffic (12 bytes per entry), so the plain loop is kept.
;;
;; The memory is declared with a maximum so that the worker pool can use the module over a
;; shared memory (pool/shared-wasm.ts flips the import's limits flag); `spmv` then runs on a
;; range of rows given by offsetting rp and y, which changes no row's sum.
(module
  (import "env" "memory" (memory 1 65536))

  ;; y[i] = Σ_{rp[i] ≤ k < rp[i+1]} v[k]·x[ci[k]] for i < m, k ascending. Within a row, four
  ;; entries a pass (constant load offsets, one branch per four) while four remain, then one a
  ;; pass: the additions stay one chain in k's order, so the unrolling changes no bit.
  (func (export "spmv") (param $rp i32) (param $ci i32) (param $v i32) (param $x i32) (param $y i32) (param $m i32)
    (local $pc i32) (local $pv i32) (local $endc i32) (local $end4 i32) (local $ye i32) (local $s f64)
    (local.set $pc (i32.add (local.get $ci) (i32.shl (i32.load (local.get $rp)) (i32.const 2))))
    (local.set $pv (i32.add (local.get $v) (i32.shl (i32.load (local.get $rp)) (i32.const 3))))
    (local.set $ye (i32.add (local.get $y) (i32.shl (local.get $m) (i32.const 3))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $y) (local.get $ye)))
        (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
        (local.set $endc (i32.add (local.get $ci) (i32.shl (i32.load (local.get $rp)) (i32.const 2))))
        (local.set $end4 (i32.sub (local.get $endc) (i32.const 12)))
        (local.set $s (f64.const 0))
        (block $fourDone
          (loop $fours
            ;; pc + 12 < endc: entries pc … pc + 12 (four) lie in the row
            (br_if $fourDone (i32.ge_s (local.get $pc) (local.get $end4)))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load (local.get $pv))
                       (f64.load (i32.add (local.get $x) (i32.shl (i32.load (local.get $pc)) (i32.const 3)))))))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load offset=8 (local.get $pv))
                       (f64.load (i32.add (local.get $x) (i32.shl (i32.load offset=4 (local.get $pc)) (i32.const 3)))))))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load offset=16 (local.get $pv))
                       (f64.load (i32.add (local.get $x) (i32.shl (i32.load offset=8 (local.get $pc)) (i32.const 3)))))))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load offset=24 (local.get $pv))
                       (f64.load (i32.add (local.get $x) (i32.shl (i32.load offset=12 (local.get $pc)) (i32.const 3)))))))
            (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
            (local.set $pv (i32.add (local.get $pv) (i32.const 32)))
            (br $fours)))
        (block $rowDone
          (loop $entries
            (br_if $rowDone (i32.ge_u (local.get $pc) (local.get $endc)))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load (local.get $pv))
                       (f64.load (i32.add (local.get $x) (i32.shl (i32.load (local.get $pc)) (i32.const 3)))))))
            (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
            (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
            (br $entries)))
        (f64.store (local.get $y) (local.get $s))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $rows))))

  ;; y += Aᵀx (the caller zeroes y): for each row i (ascending) y[ci[k]] += v[k]·x[i], k ascending.
  (func (export "spmvT") (param $rp i32) (param $ci i32) (param $v i32) (param $x i32) (param $y i32) (param $m i32)
    (local $pc i32) (local $pv i32) (local $endc i32) (local $xe i32) (local $p i32) (local $xi f64)
    (local.set $pc (i32.add (local.get $ci) (i32.shl (i32.load (local.get $rp)) (i32.const 2))))
    (local.set $pv (i32.add (local.get $v) (i32.shl (i32.load (local.get $rp)) (i32.const 3))))
    (local.set $xe (i32.add (local.get $x) (i32.shl (local.get $m) (i32.const 3))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $x) (local.get $xe)))
        (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
        (local.set $endc (i32.add (local.get $ci) (i32.shl (i32.load (local.get $rp)) (i32.const 2))))
        (local.set $xi (f64.load (local.get $x)))
        (block $rowDone
          (loop $entries
            (br_if $rowDone (i32.ge_u (local.get $pc) (local.get $endc)))
            (local.set $p (i32.add (local.get $y) (i32.shl (i32.load (local.get $pc)) (i32.const 3))))
            (f64.store (local.get $p)
              (f64.add (f64.load (local.get $p)) (f64.mul (f64.load (local.get $pv)) (local.get $xi))))
            (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
            (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
            (br $entries)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (br $rows)))))
