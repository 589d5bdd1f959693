(module
  (memory (export "memory") 1)
  (global (export "counter") (mut i32) (i32.const 0))
  (func (export "bump") (param i32) (result i32)
    (global.set 0 (i32.add (global.get 0) (i32.const 1)))
    (i32.add (local.get 0) (i32.load (i32.const 8))))
  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (table (export "table") 1 funcref)
  (elem (i32.const 0) $double))
