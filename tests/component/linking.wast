;; Instances registered for later components to import, nested components,
;; and imports that cannot be satisfied.

(component $provider
  (core module $m
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (instance $math (export "add" (func $add)))
  (export "demo:math/ops" (instance $math)))
(register "provider" $provider)

(component $user
  (import "provider" (instance $p
    (export "demo:math/ops" (instance
      (export "add" (func (param "a" u32) (param "b" u32) (result u32)))))))
  (alias export $p "demo:math/ops" (instance $ops))
  (alias export $ops "add" (func $add))
  (core func $add (canon lower (func $add)))
  (core module $m
    (import "" "add" (func $add (param i32 i32) (result i32)))
    (func (export "triple") (param i32) (result i32)
      (call $add (local.get 0) (call $add (local.get 0) (local.get 0)))))
  (core instance $i (instantiate $m (with "" (instance (export "add" (func $add))))))
  (func (export "triple") (param "x" u32) (result u32) (canon lift (core func $i "triple"))))
(assert_return (invoke $user "triple" (u32.const 14)) (u32.const 42))

(assert_unlinkable
  (component (import "nowhere" (func)))
  "component imports function `nowhere`, but a matching implementation was not found in the linker")
(assert_unlinkable
  (component (import "provider" (instance (export "sub" (func)))))
  "needs a function `sub`")

;; A component nested in another, instantiated twice, with an outer alias.
(component $outer
  (core module $m (func (export "f") (result i32) i32.const 5))
  (component $inner
    (alias outer $outer $m (core module $m))
    (core instance $i (instantiate $m))
    (func (export "five") (result u32) (canon lift (core func $i "f"))))
  (instance $a (instantiate $inner))
  (instance $b (instantiate $inner))
  (export "a" (instance $a))
  (export "five" (func $b "five")))
(assert_return (invoke "five") (u32.const 5))

;; A trap while instantiating fails the instantiation.
(assert_trap
  (component
    (core module $m (func $start unreachable) (start $start))
    (core instance (instantiate $m)))
  "unreachable")
