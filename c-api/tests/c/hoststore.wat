(module
  (import "host" "adjust" (func $adjust (param i32)))
  (memory (export "memory") 1)
  (func $count (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
  (func $spin (loop $again (br $again)))
  ;; Asks the host to change the store, then does what the change governs.
  (func (export "adjust_then_count") (param $mode i32) (param $n i32) (result i32)
    (call $adjust (local.get $mode))
    (call $count (local.get $n)))
  (func (export "adjust_then_grow") (param $mode i32) (result i32)
    (call $adjust (local.get $mode))
    (memory.grow (i32.const 1)))
  (func (export "adjust_then_spin") (param $mode i32)
    (call $adjust (local.get $mode))
    (call $spin)))
