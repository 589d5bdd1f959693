(module
  (func $host (import "" "host") (param i32) (result i32))
  (func $host_down (import "" "down") (param i32) (result i32))
  (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "run") (param i32) (result i32) (i32.add (call $host (local.get 0)) (i32.const 1)))
  ;; One level down through the host, until 0, where `down` returns 0 and
  ;; `down_trap` traps.
  (func (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $host_down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func (export "down_trap") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (unreachable))
      (else (i32.add (call $host_down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))
