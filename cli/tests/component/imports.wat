;; A component that imports a function from an interface: `twice` does not
;; call it, `log` does.
(component
  (import "demo:io/log" (instance $log (export "write" (func (param "line" u32)))))
  (core func $write (canon lower (func $log "write")))
  (core module $m
    (import "" "write" (func $write (param i32)))
    (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "log") (call $write (i32.const 1))))
  (core instance $i (instantiate $m (with "" (instance (export "write" (func $write))))))
  (func (export "twice") (param "x" u32) (result u32) (canon lift (core func $i "twice")))
  (func (export "log") (canon lift (core func $i "log"))))
