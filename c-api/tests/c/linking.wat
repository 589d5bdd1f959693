(module
  (import "env" "memory" (memory 1))
  (import "env" "counter" (global $counter (mut i32)))
  (import "env" "bump" (func $bump (param i32) (result i32)))
  (import "env" "table" (table 1 funcref))
  (type $unary (func (param i32) (result i32)))
  (func (export "run") (param $x i32) (result i32)
    (i32.store (i32.const 8) (local.get $x))
    (global.set $counter (i32.add (global.get $counter) (i32.const 100)))
    (i32.add
      (call $bump (local.get $x))
      (call_indirect (type $unary) (local.get $x) (i32.const 0)))))
