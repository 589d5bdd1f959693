(module
  (import "" "log" (func $log (param i32)))
  (import "" "fail" (global $fail i32))
  (global $ready (export "ready") (mut i32) (i32.const 0))
  (memory (export "memory") 1)
  (data (i32.const 16) "kiln")
  (func $start
    (global.set $ready (i32.const 42))
    (call $log (i32.load8_u (i32.const 16)))
    (if (global.get $fail) (then (call $fail_now))))
  (func $fail_now unreachable)
  (start $start))
