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
  ;; One entry at a time, as plainly as the C line's loop: compiled by V8 it keeps as many
  ;; frame-table misses in flight as the JavaScript loop's rounds of four did, without their
  ;; checks. Rounds of four (claim-frames.ts) were measured here too, and were slower on both
  ;; layouts (8,388,608 frames in one module memory: 2 MiB extents 29-34 ms against 16-24,
  ;; scattered 125-200 ms against 92-192; gcc -O2 on the same loop 20-23 and 119-146).
  (func $claim (export "claim") (param $p i32) (param $end i32) (param $table i32) (param $n i32) (param $domid i32) (result i32)
    (local $limit i64) (local $e0 i64) (local $a i32)
    (local.set $limit (i64.extend_i32_u (local.get $n)))
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

  ;; Counts the entries of the frame table at [p, p + 2n) whose bit 15 is set: every free frame
  ;; (0xFFFF) and nothing a claim writes (a domain id is below 0x7FF0). A parallel pass 1 counts
  ;; them before and after its claims (liveupdate/workers/pass1-job.ts): sixteen entries a step, two
  ;; vectors of eight lanes, each lane adding its entry's top bit, the lanes summed every 4096 steps
  ;; (before a 16-bit lane could overflow); the entries after the last whole step one at a time.
  (func (export "count_free") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $vend i32) (local $block i32) (local $acc v128) (local $sum i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 1))))
    (local.set $vend (i32.add (local.get $p) (i32.and (i32.shl (local.get $n) (i32.const 1)) (i32.const -32))))
    (block $vdone
      (loop $blocks
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $block (i32.add (local.get $p) (i32.const 131072)))
        (if (i32.gt_u (local.get $block) (local.get $vend)) (then (local.set $block (local.get $vend))))
        (local.set $acc (v128.const i64x2 0 0))
        (loop $steps
          (local.set $acc
            (i16x8.add
              (i16x8.add (local.get $acc) (i16x8.shr_u (v128.load (local.get $p)) (i32.const 15)))
              (i16x8.shr_u (v128.load offset=16 (local.get $p)) (i32.const 15))))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br_if $steps (i32.lt_u (local.get $p) (local.get $block))))
        (local.set $acc (i32x4.extadd_pairwise_i16x8_u (local.get $acc)))
        (local.set $sum
          (i32.add (local.get $sum)
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
              (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))
        (br $blocks)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $sum (i32.add (local.get $sum) (i32.shr_u (i32.load16_u (local.get $p)) (i32.const 15))))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $one)))
    (local.get $sum))
)
