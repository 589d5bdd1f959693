(component
  (import "host:demo/text" (instance $text
    (export "shout" (func (param "s" string) (result string)))
    (export "log" (func (param "s" string)))))
  (alias export $text "shout" (func $shout))
  (alias export $text "log" (func $log))
  (core module $libc
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (global.get $next))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (core func $shout (canon lower (func $shout)
    (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (core func $log (canon lower (func $log) (memory (core memory $libc "memory"))))
  ;; At instantiation: shouts "hello" through the host and logs the answer.
  (core module $m
    (import "libc" "memory" (memory 1))
    (import "host" "shout" (func $shout (param i32 i32 i32)))
    (import "host" "log" (func $log (param i32 i32)))
    (data (i32.const 16) "hello")
    (func $run
      (call $shout (i32.const 16) (i32.const 5) (i32.const 8))
      (call $log (i32.load (i32.const 8)) (i32.load (i32.const 12))))
    (start $run))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc))
    (with "host" (instance (export "shout" (func $shout)) (export "log" (func $log)))))))
