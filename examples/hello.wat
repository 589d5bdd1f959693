;; The smallest useful module: one function that returns 42.
;;
;;   cargo run -p kiln-cli -- run examples/hello.wat --invoke hello
;;   42
(module
  (func (export "hello") (result i32)
    (i32.const 42)))
