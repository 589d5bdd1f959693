(module
  (memory (export "memory") 1)
  (data (i32.const 16) "\2a")
  (func (export "answer") (result i32) (i32.load8_u (i32.const 16))))
