;; A component with one function, `greet: func(name: string, age: u32) ->
;; string`, to call from the command line with arguments in WAVE:
;;
;;   cargo run -p kiln-cli -- run --invoke 'greet("Ada", 36)' examples/greet.wat
;;   "Hello, Ada (36)"
(component
  (core module $m
    (memory (export "memory") 1)
    (data (i32.const 0) "Hello, ")
    (data (i32.const 8) " (")
    ;; The results go at 16; strings are allocated from 1024 up.
    (global $next (mut i32) (i32.const 1024))
    (func $alloc (param $align i32) (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $ptr) (local.get $size)))
      (local.get $ptr))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (call $alloc (local.get 2) (local.get 3)))
    ;; Copies `len` bytes from `src` to `dst` and returns the end at `dst`.
    (func $put (param $dst i32) (param $src i32) (param $len i32) (result i32)
      (memory.copy (local.get $dst) (local.get $src) (local.get $len))
      (i32.add (local.get $dst) (local.get $len)))
    (func (export "greet") (param $name i32) (param $len i32) (param $age i32) (result i32)
      (local $out i32)
      (local $end i32)
      (local $digit i32)
      ;; "Hello, " NAME " (" up to 10 digits ")"
      (local.set $out (call $alloc (i32.const 1) (i32.add (local.get $len) (i32.const 20))))
      (local.set $end (call $put (local.get $out) (i32.const 0) (i32.const 7)))
      (local.set $end (call $put (local.get $end) (local.get $name) (local.get $len)))
      (local.set $end (call $put (local.get $end) (i32.const 8) (i32.const 2)))
      ;; The digits, last first, below 1024, then copied in order.
      (local.set $digit (i32.const 1024))
      (loop $digits
        (local.set $digit (i32.sub (local.get $digit) (i32.const 1)))
        (i32.store8 (local.get $digit)
          (i32.add (i32.const 48) (i32.rem_u (local.get $age) (i32.const 10))))
        (local.set $age (i32.div_u (local.get $age) (i32.const 10)))
        (br_if $digits (local.get $age)))
      (local.set $end (call $put (local.get $end) (local.get $digit)
        (i32.sub (i32.const 1024) (local.get $digit))))
      (i32.store8 (local.get $end) (i32.const 41))
      (i32.store (i32.const 16) (local.get $out))
      (i32.store (i32.const 20) (i32.sub (i32.add (local.get $end) (i32.const 1)) (local.get $out)))
      (i32.const 16)))
  (core instance $i (instantiate $m))
  (func (export "greet") (param "name" string) (param "age" u32) (result string)
    (canon lift (core func $i "greet")
      (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
