;; Components that are malformed, invalid, or use what Kiln does not
;; support yet: all rejected before anything runs.

(assert_malformed (component quote "(core module") "unexpected end")
(assert_malformed (component binary "\00asm\0d\00\01\00\ff") "malformed")

;; A lifted function's core type must be its flattened type.
(assert_invalid
  (component
    (core module $m (func (export "f") (param i32)))
    (core instance $i (instantiate $m))
    (func (export "f") (param "x" u64) (canon lift (core func $i "f"))))
  "lowered parameter types `[I64]` do not match parameter types `[I32]`")
;; A string result needs memory.
(assert_invalid
  (component
    (core module $m (func (export "f") (result i32) i32.const 0))
    (core instance $i (instantiate $m))
    (func (export "f") (result string) (canon lift (core func $i "f"))))
  "canonical option `memory` is required")
;; resource.rep works on resources the component defines only.
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (core func (canon resource.rep $r)))
  "not a local resource")

;; Async parts of the component model are not supported yet.
(assert_invalid (component (type (stream u8))) "the `stream` type is not supported yet")
(assert_invalid (component (type (future))) "the `future` type is not supported yet")
(assert_invalid (component (core func (canon task.cancel))) "`canon task.cancel` is not supported yet")
(assert_invalid (component (core func (canon waitable-set.new))) "`canon waitable-set.new` is not supported yet")
(assert_invalid (component (core func (canon error-context.drop))) "`canon error-context.drop` is not supported yet")
(assert_invalid (component (import "f" (func async))) "an `async` function type is not supported yet")

;; A component is not a module.
(assert_invalid (component (core module (func (result i32)))) "type mismatch")

;; The binary format: an empty component of version 0xd, layer 1.
(component binary "\00asm\0d\00\01\00")
