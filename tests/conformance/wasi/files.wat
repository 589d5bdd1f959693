;; Copies in.txt to out.txt in the pre-opened directory (fd 3), and echoes
;; what it read to stderr; a failing call exits with its errno (1 to 76,
;; below the statuses from 126 up that WASI reserves).
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "in.txt")
  (data (i32.const 220) "out.txt")
  (func $check (param i32) (if (local.get 0) (then (call $exit (local.get 0)))))
  (func (export "_start")
    ;; in.txt, read-only: its fd at 0
    (call $check (call $open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 6) (i32.const 0)
      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    ;; iovec at 16: 1000 bytes at 1000
    (i32.store (i32.const 16) (i32.const 1000))
    (i32.store (i32.const 20) (i32.const 1000))
    (call $check (call $read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 24)))
    (drop (call $close (i32.load (i32.const 0))))
    ;; out.txt, created and truncated, written: its fd at 4
    (call $check (call $open (i32.const 3) (i32.const 0) (i32.const 220) (i32.const 7) (i32.const 9)
      (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 4)))
    (i32.store (i32.const 20) (i32.load (i32.const 24)))
    (call $check (call $write (i32.load (i32.const 4)) (i32.const 16) (i32.const 1) (i32.const 28)))
    (drop (call $close (i32.load (i32.const 4))))
    (call $check (call $write (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 28)))))
