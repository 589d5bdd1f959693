(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: argc, 4: argv buffer size, 8: iovec, 16: bytes written, 20: opened fd,
  ;; 100: the file name, 120: the file's text, 1024: argv, 2048: argument text.
  (data (i32.const 100) "out.txt")
  (data (i32.const 120) "written by wasm\n")
  (data (i32.const 200) "\n")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 8) (local.get $ptr))
    (i32.store (i32.const 12) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 8) (i32.const 1) (i32.const 16))))
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))
  ;; Prints argv[1] to stdout, writes out.txt in the first pre-opened
  ;; directory (or "written" to stderr if it cannot), and exits with argc + 4.
  (func (export "_start") (local $arg i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (if (i32.ge_u (i32.load (i32.const 0)) (i32.const 2))
      (then
        (local.set $arg (i32.load (i32.const 1028)))
        (call $write (i32.const 1) (local.get $arg) (call $strlen (local.get $arg)))
        (call $write (i32.const 1) (i32.const 200) (i32.const 1))))
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 7)
                   (i32.const 9) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 20)))
      (then
        (call $write (i32.load (i32.const 20)) (i32.const 120) (i32.const 16))
        (drop (call $fd_close (i32.load (i32.const 20)))))
      (else (call $write (i32.const 2) (i32.const 120) (i32.const 7))))
    (call $proc_exit (i32.add (i32.load (i32.const 0)) (i32.const 4)))))
