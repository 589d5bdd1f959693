(component
  (import "host:demo/text" (instance $text
    (export "shout" (func (param "s" string) (result string)))
    (export "log" (func (param "s" string)))))
  (import "host:demo/tags" (instance $tags (export "tag" (type (sub resource)))))
  (alias export $tags "tag" (type $tag))
  (core func $tag-drop (canon resource.drop $tag))
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
    (with "host" (instance (export "shout" (func $shout)) (export "log" (func $log))))))
  ;; What the host calls in steps: a string's length (post-return counts
  ;; the calls), a tag kept (dropped at once) or peeked at, and a trap.
  (core module $exports
    (import "host" "tag-drop" (func $tag-drop (param i32)))
    (global $done (mut i32) (i32.const 0))
    (func (export "measure") (param i32 i32) (result i32) (local.get 1))
    (func (export "measured") (param i32) (global.set $done (i32.add (global.get $done) (i32.const 1))))
    (func (export "done") (result i32) (global.get $done))
    (func (export "keep") (param i32) (call $tag-drop (local.get 0)))
    (func (export "peek") (param i32) (result i32) (call $tag-drop (local.get 0)) (i32.const 7))
    (func (export "boom") unreachable))
  (core instance $e (instantiate $exports
    (with "host" (instance (export "tag-drop" (func $tag-drop))))))
  (func (export "measure") (param "s" string) (result u32)
    (canon lift (core func $e "measure") (memory (core memory $libc "memory"))
      (realloc (core func $libc "realloc")) (post-return (core func $e "measured"))))
  (func (export "done") (result u32) (canon lift (core func $e "done")))
  (func (export "keep") (param "t" (own $tag)) (canon lift (core func $e "keep")))
  (func (export "peek") (param "t" (borrow $tag)) (result u32) (canon lift (core func $e "peek")))
  (func (export "boom") (canon lift (core func $e "boom"))))
