(module
  (func (export "f") (result i32) (i32.const 1))
  (global (export "g") (mut i32) (i32.const 2))
  (table (export "t") 2 externref)
  (memory (export "m") 1)
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "keep") (param externref) (table.set 0 (i32.const 0) (local.get 0)))
  (func (export "drop") (table.set 0 (i32.const 0) (ref.null extern))))
