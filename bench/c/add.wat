;; `add(i32, i32) -> i32`, called from C through wasm_func_call.
(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add))
