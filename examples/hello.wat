;; The smallest useful module: one function that returns 42.
;;
;;   cargo run -p kiln-cli -- run --invoke hello examples/hello.wat
;;   42
(module
  (func (export "hello") (result i32)
    (i32.const 42)))
