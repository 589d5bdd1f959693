;; `run(n)` calls the imported `inc` n times, each time on the last result, and
;; returns that result (n when `inc` adds one); as CALLS_HOST in
;; bench/src/calls.rs.
(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    local.get $acc))
