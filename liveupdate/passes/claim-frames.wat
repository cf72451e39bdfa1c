;; Pass 1's inner loops in WebAssembly, on memory the caller shares with the module: the stream
;; pages (an LU_DOMAIN_PAGES list, u64 frame numbers, little-endian) and the frame table (one u16
;; owner per frame, 0xFFFF = free) both live in the imported memory, so nothing is copied in or out.
;; Addresses are byte addresses in that memory. Same rules as claim() and release() in
;; claim-frames.ts, which is the fallback and the reference: `npm run gen:wasm` assembles this file.
(module
  ;; Shared, so worker threads can use the same memory; at most 2 GiB (32768 pages of 64 KiB).
  (import "env" "memory" (memory 1 32768 shared))

  ;; Claims the entries at [p, end) (8 octets each) for `domid` in the table at `table` (`n`
  ;; frames). Returns the address of the first entry that cannot be claimed (its frame number is
  ;; n or more, high word included, or its frame is not free), or -1 when every entry was claimed.
  ;; Entries before the returned one stay claimed: the caller releases them.
  ;;
  ;; Four entries a round: their owner loads are independent, so four frame-table misses are in
  ;; flight at once. A round is claimed as a whole only when all four frames are inside the machine,
  ;; free (the AND of four owners is 0xFFFF only then) and distinct; any other round is redone one
  ;; entry at a time, which finds the exact first bad entry.
  (func $claim (export "claim") (param $p i32) (param $end i32) (param $table i32) (param $n i32) (param $domid i32) (result i32)
    (local $limit i64) (local $e0 i64) (local $e1 i64) (local $e2 i64) (local $e3 i64)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $a i32)
    (local.set $limit (i64.extend_i32_u (local.get $n)))
    (block $groups_done
      (loop $group
        (br_if $groups_done (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
        (local.set $e0 (i64.load (local.get $p)))
        (local.set $e1 (i64.load offset=8 (local.get $p)))
        (local.set $e2 (i64.load offset=16 (local.get $p)))
        (local.set $e3 (i64.load offset=24 (local.get $p)))
        ;; All four inside the machine (unsigned, so a high word set is outside too).
        (br_if $groups_done
          (i32.or
            (i32.or (i64.ge_u (local.get $e0) (local.get $limit)) (i64.ge_u (local.get $e1) (local.get $limit)))
            (i32.or (i64.ge_u (local.get $e2) (local.get $limit)) (i64.ge_u (local.get $e3) (local.get $limit)))))
        (local.set $a0 (i32.add (local.get $table) (i32.shl (i32.wrap_i64 (local.get $e0)) (i32.const 1))))
        (local.set $a1 (i32.add (local.get $table) (i32.shl (i32.wrap_i64 (local.get $e1)) (i32.const 1))))
        (local.set $a2 (i32.add (local.get $table) (i32.shl (i32.wrap_i64 (local.get $e2)) (i32.const 1))))
        (local.set $a3 (i32.add (local.get $table) (i32.shl (i32.wrap_i64 (local.get $e3)) (i32.const 1))))
        (br_if $groups_done
          (i32.ne
            (i32.and
              (i32.and (i32.load16_u (local.get $a0)) (i32.load16_u (local.get $a1)))
              (i32.and (i32.load16_u (local.get $a2)) (i32.load16_u (local.get $a3))))
            (i32.const 0xFFFF)))
        ;; Distinct: a frame listed twice in one round is left to the one-at-a-time loop.
        (br_if $groups_done
          (i32.or
            (i32.or
              (i32.or (i32.eq (local.get $a0) (local.get $a1)) (i32.eq (local.get $a0) (local.get $a2)))
              (i32.or (i32.eq (local.get $a0) (local.get $a3)) (i32.eq (local.get $a1) (local.get $a2))))
            (i32.or (i32.eq (local.get $a1) (local.get $a3)) (i32.eq (local.get $a2) (local.get $a3)))))
        (i32.store16 (local.get $a0) (local.get $domid))
        (i32.store16 (local.get $a1) (local.get $domid))
        (i32.store16 (local.get $a2) (local.get $domid))
        (i32.store16 (local.get $a3) (local.get $domid))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $group)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $e0 (i64.load (local.get $p)))
        (if (i64.ge_u (local.get $e0) (local.get $limit)) (then (return (local.get $p))))
        (local.set $a (i32.add (local.get $table) (i32.shl (i32.wrap_i64 (local.get $e0)) (i32.const 1))))
        (if (i32.ne (i32.load16_u (local.get $a)) (i32.const 0xFFFF)) (then (return (local.get $p))))
        (i32.store16 (local.get $a) (local.get $domid))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $one)))
    (i32.const -1))

  ;; Frees the frames of the entries at [p, end), which this module claimed (so each is inside
  ;; the machine): the undo of claim().
  (func (export "release") (param $p i32) (param $end i32) (param $table i32)
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store16
          (i32.add (local.get $table) (i32.shl (i32.wrap_i64 (i64.load (local.get $p))) (i32.const 1)))
          (i32.const 0xFFFF))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $one))))
)
