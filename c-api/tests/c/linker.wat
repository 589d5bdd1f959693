(module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "lib" "triple" (func $triple (param i32) (result i32)))
  (func (export "run") (param i32) (result i32)
    (call $add (call $triple (local.get 0)) (i32.const 1))))
