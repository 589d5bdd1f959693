;; Lifting and lowering numbers, bools and chars through flat core values.

(component
  (core module $m
    (func (export "id32") (param i32) (result i32) local.get 0)
    (func (export "id64") (param i64) (result i64) local.get 0)
    (func (export "idf32") (param f32) (result f32) local.get 0)
    (func (export "idf64") (param f64) (result f64) local.get 0)
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m))
  (func (export "u8") (param "x" u32) (result u8) (canon lift (core func $i "id32")))
  (func (export "s8") (param "x" u32) (result s8) (canon lift (core func $i "id32")))
  (func (export "u16") (param "x" u32) (result u16) (canon lift (core func $i "id32")))
  (func (export "s16") (param "x" u32) (result s16) (canon lift (core func $i "id32")))
  (func (export "s8-in") (param "x" s8) (result s32) (canon lift (core func $i "id32")))
  (func (export "u64") (param "x" u64) (result u64) (canon lift (core func $i "id64")))
  (func (export "s64") (param "x" s64) (result s64) (canon lift (core func $i "id64")))
  (func (export "f32") (param "x" f32) (result f32) (canon lift (core func $i "idf32")))
  (func (export "f64") (param "x" f64) (result f64) (canon lift (core func $i "idf64")))
  (func (export "bool") (param "x" u32) (result bool) (canon lift (core func $i "id32")))
  (func (export "char") (param "x" u32) (result char) (canon lift (core func $i "id32")))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))

;; Narrow integers keep the low bits of their i32.
(assert_return (invoke "u8" (u32.const 0x1ff)) (u8.const 0xff))
(assert_return (invoke "s8" (u32.const 0x1ff)) (s8.const -1))
(assert_return (invoke "u16" (u32.const 0x18000)) (u16.const 0x8000))
(assert_return (invoke "s16" (u32.const 0x18000)) (s16.const -32768))
;; Signed values are sign-extended into their i32.
(assert_return (invoke "s8-in" (s8.const -2)) (s32.const -2))
(assert_return (invoke "u64" (u64.const 18446744073709551615)) (u64.const 18446744073709551615))
(assert_return (invoke "s64" (s64.const -9223372036854775808)) (s64.const -9223372036854775808))
(assert_return (invoke "f32" (f32.const 1.5)) (f32.const 1.5))
(assert_return (invoke "f32" (f32.const -inf)) (f32.const -inf))
(assert_return (invoke "f64" (f64.const 0x1p-1074)) (f64.const 0x1p-1074))
(assert_return (invoke "f32" (f32.const nan:0x1234)) (f32.const nan))
;; Any non-zero i32 is true.
(assert_return (invoke "bool" (u32.const 0)) (bool.const false))
(assert_return (invoke "bool" (u32.const 7)) (bool.const true))
(assert_return (invoke "char" (u32.const 0x41)) (char.const "A"))
(assert_return (invoke "char" (u32.const 0x10ffff)) (char.const "\u{10ffff}"))
(assert_return (invoke "add" (u32.const 4294967295) (u32.const 2)) (u32.const 1))
;; A surrogate is not a char: the trap leaves the instance unusable.
(assert_trap (invoke "char" (u32.const 0xd800)) "invalid char value 0xd800")
(assert_trap (invoke "add" (u32.const 1) (u32.const 1)) "cannot enter component instance")

(component
  (core module $m (func (export "id32") (param i32) (result i32) local.get 0))
  (core instance $i (instantiate $m))
  (func (export "char") (param "x" u32) (result char) (canon lift (core func $i "id32"))))
(assert_trap (invoke "char" (u32.const 0x110000)) "invalid char value 0x110000")
