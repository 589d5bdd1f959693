(module
  (global $f32_import (import "" "const f32") f32)
  (global $mut_i64_import (import "" "var i64") (mut i64))
  (global (export "const i32") i32 (i32.const 7))
  (global $mut_f64 (export "var f64") (mut f64) (f64.const 1.5))
  (func (export "get const f32 import") (result f32) (global.get $f32_import))
  (func (export "get var i64 import") (result i64) (global.get $mut_i64_import))
  (func (export "set var i64 import") (param i64) (global.set $mut_i64_import (local.get 0)))
  (func (export "get var f64") (result f64) (global.get $mut_f64)))
