//! The typed fast path: exports called with flat core values and host
//! imports receiving them, with glue code lowering and lifting itself.

use kiln::component::{abi_trap, Component, Linker, ResourceAny, ResourceType, Val};
use kiln::{Engine, ErrorKind, Store};

/// Exports `greet: func(name: string) -> string` that calls the host's
/// `decorate: func(s: string) -> string`, `sum: func(xs: list<u32>) -> u32`,
/// and `boom`, which traps; `frees` counts post-return calls.
pub const GLUE: &str = r#"
(component
  (import "decorate" (func $decorate (param "s" string) (result string)))
  (core module $libc
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (core func $decorate (canon lower (func $decorate)
    (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (core module $m
    (import "" "decorate" (func $decorate (param i32 i32 i32)))
    (import "" "memory" (memory 1))
    (global $frees (mut i32) (i32.const 0))
    (func (export "greet") (param i32 i32) (result i32)
      (call $decorate (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "free") (param i32) (global.set $frees (i32.add (global.get $frees) (i32.const 1))))
    (func (export "frees") (result i32) (global.get $frees))
    (func (export "sum") (param $p i32) (param $n i32) (result i32)
      (local $s i32)
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
      (local.get $s))
    (func (export "boom") unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "decorate" (func $decorate)) (export "memory" (memory $libc "memory"))))))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $m "greet") (memory (core memory $libc "memory"))
      (realloc (core func $libc "realloc")) (post-return (core func $m "free"))))
  (func (export "frees") (result u32) (canon lift (core func $m "frees")))
  (func (export "sum") (param "xs" (list u32)) (result u32)
    (canon lift (core func $m "sum") (memory (core memory $libc "memory"))
      (realloc (core func $libc "realloc"))))
  (func (export "boom") (canon lift (core func $m "boom")))
  (export "decorate" (func $decorate)))
"#;

/// A linker whose `decorate` brackets its string, on the flat path.
pub fn flat_linker(engine: &Engine) -> Linker<u32> {
    let mut linker = Linker::<u32>::new(engine);
    linker
        .root()
        .func_new_flat("decorate", |cx, slots| {
            let s = cx.load_string(slots[0] as u32, slots[1] as u32)?;
            *cx.data_mut() += 1;
            let (ptr, len) = cx.store_string(&format!("[{s}]"))?;
            let ret = slots[2] as u32;
            let out = cx.bytes_mut(ret, 8)?;
            out[..4].copy_from_slice(&ptr.to_le_bytes());
            out[4..].copy_from_slice(&len.to_le_bytes());
            Ok(())
        })
        .unwrap();
    linker
}

pub fn read_pair(bytes: &[u8]) -> (u32, u32) {
    (
        u32::from_le_bytes(bytes[..4].try_into().unwrap()),
        u32::from_le_bytes(bytes[4..8].try_into().unwrap()),
    )
}

#[test]
fn exports_and_imports_on_the_flat_path() {
    let engine = Engine::default();
    let component = Component::new(&engine, GLUE).unwrap();
    let linker = flat_linker(&engine);
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let greet = instance
        .get_func(&mut store, "greet")
        .unwrap()
        .typed_flat::<(u32, u32), u32>(&store)
        .unwrap();
    for name in ["wörld", "", "😀"] {
        let out = greet
            .call(
                &mut store,
                |cx| cx.store_string(name),
                |cx, ret| {
                    let (ptr, len) = read_pair(cx.bytes(ret, 8)?);
                    cx.load_string(ptr, len)
                },
            )
            .unwrap();
        assert_eq!(out, format!("[{name}]"));
    }
    assert_eq!(*store.data(), 3);
    // The dynamic path sees the same component the same way.
    let dynamic = instance.get_func(&mut store, "greet").unwrap();
    let mut result = [Val::Bool(false)];
    dynamic
        .call(&mut store, &[Val::String("x".into())], &mut result)
        .unwrap();
    assert_eq!(result[0], Val::String("[x]".into()));
    let frees = instance.get_func(&mut store, "frees").unwrap();
    let mut n = [Val::U32(0)];
    frees.call(&mut store, &[], &mut n).unwrap();
    assert_eq!(n[0], Val::U32(4), "post-return ran after every call");
}

#[test]
fn lists_are_checked_on_the_flat_path() {
    let engine = Engine::default();
    let component = Component::new(&engine, GLUE).unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = flat_linker(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    let sum = instance
        .get_func(&mut store, "sum")
        .unwrap()
        .typed_flat::<(u32, u32), u32>(&store)
        .unwrap();
    let total = sum
        .call(
            &mut store,
            |cx| {
                let xs: [u32; 4] = [1, 2, 3, 4];
                let ptr = cx.realloc(4, 16)?;
                let bytes: Vec<u8> = xs.iter().flat_map(|x| x.to_le_bytes()).collect();
                cx.bytes_mut(ptr, 16)?.copy_from_slice(&bytes);
                assert_eq!(cx.list(ptr, 4, 4, 4)?.len(), 16);
                let err = cx.list(ptr + 1, 4, 4, 4).unwrap_err();
                assert_eq!(
                    err.to_string(),
                    format!("list pointer {:#x} is not aligned to 4 bytes", ptr + 1)
                );
                let err = cx.list(ptr, u32::MAX, 4, 4).unwrap_err();
                assert_eq!(
                    err.to_string(),
                    "list pointer/length out of bounds of memory"
                );
                Ok((ptr, 4))
            },
            |_, total| Ok(total),
        )
        .unwrap();
    assert_eq!(total, 10);
}

#[test]
fn flat_calls_keep_the_instance_rules() {
    let engine = Engine::default();
    let component = Component::new(&engine, GLUE).unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = flat_linker(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    let f = instance.get_func(&mut store, "greet").unwrap();
    let err = f.typed_flat::<(u32, u32), u64>(&store).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    let greet = f.typed_flat::<(u32, u32), u32>(&store).unwrap();
    // A glue error while lifting is a trap of the instance.
    let err = greet
        .call(
            &mut store,
            |cx| cx.store_string("x"),
            |_, _| -> kiln::Result<()> { Err(abi_trap("invalid enum discriminant 7")) },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid enum discriminant 7");
    let err = greet
        .call(&mut store, |cx| cx.store_string("x"), |_, ret| Ok(ret))
        .unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");

    let decorate = instance.get_func(&mut store, "decorate").unwrap();
    let err = decorate
        .call(
            &mut store,
            &[Val::String("x".into())],
            &mut [Val::Bool(false)],
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "host function `decorate` takes flat values, so only a component can call it"
    );
}

#[test]
fn strings_read_on_the_flat_path_are_validated() {
    let engine = Engine::default();
    let component = Component::new(&engine, GLUE).unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = flat_linker(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    let greet = instance
        .get_func(&mut store, "greet")
        .unwrap()
        .typed_flat::<(u32, u32), u32>(&store)
        .unwrap();
    // Glue that hands the component bytes that are not UTF-8: the host
    // import reading them traps, and so does the call.
    let err = greet
        .call(
            &mut store,
            |cx| {
                let ptr = cx.realloc(1, 2)?;
                cx.bytes_mut(ptr, 2)?.copy_from_slice(&[0xc3, 0x28]);
                Ok((ptr, 2))
            },
            |_, ret| Ok(ret),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Trap);
    assert_eq!(err.to_string(), "invalid utf-8 string");
}

struct Counter;

#[test]
fn resources_on_the_flat_path() {
    let engine = Engine::default();
    let component = Component::new(
        &engine,
        r#"(component
            (import "counter" (type $c (sub resource)))
            (import "make" (func $make (param "n" u32) (result (own $c))))
            (import "read" (func $read (param "c" (borrow $c)) (result u32)))
            (core func $make (canon lower (func $make)))
            (core func $read (canon lower (func $read)))
            (core func $drop (canon resource.drop $c))
            (core module $m
              (import "" "make" (func $make (param i32) (result i32)))
              (import "" "read" (func $read (param i32) (result i32)))
              (import "" "drop" (func $drop (param i32)))
              (func (export "roundtrip") (param i32) (result i32)
                (local $h i32) (local $v i32)
                (local.set $h (call $make (local.get 0)))
                (local.set $v (call $read (local.get $h)))
                (call $drop (local.get $h))
                (local.get $v))
              (func (export "give") (param i32) (result i32) (call $make (local.get 0))))
            (core instance $i (instantiate $m (with "" (instance
              (export "make" (func $make)) (export "read" (func $read)) (export "drop" (func $drop))))))
            (func (export "roundtrip") (param "n" u32) (result u32) (canon lift (core func $i "roundtrip")))
            (func (export "give") (param "n" u32) (result (own $c)) (canon lift (core func $i "give"))))"#,
    )
    .unwrap();
    let ty = ResourceType::host::<Counter>();
    let mut linker = Linker::<Vec<u32>>::new(&engine);
    let mut root = linker.root();
    root.resource("counter", ty.clone(), |mut store, rep| {
        store.data_mut().push(rep);
        Ok(())
    })
    .unwrap();
    let t = ty.clone();
    root.func_new_flat("make", move |cx, slots| {
        let r = ResourceAny::new_own(t.clone(), slots[0] as u32 * 3)?;
        slots[0] = u128::from(cx.lower_own(&r, &t)?);
        Ok(())
    })
    .unwrap();
    let t = ty.clone();
    root.func_new_flat("read", move |cx, slots| {
        let r = cx.lift_borrow(slots[0] as u32, &t)?;
        assert!(!r.owned());
        slots[0] = u128::from(r.rep().unwrap() + 1);
        Ok(())
    })
    .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let roundtrip = instance
        .get_func(&mut store, "roundtrip")
        .unwrap()
        .typed_flat::<u32, u32>(&store)
        .unwrap();
    assert_eq!(
        roundtrip.call(&mut store, |_| Ok(5), |_, v| Ok(v)).unwrap(),
        16
    );
    assert_eq!(store.data(), &[15]);
    let give = instance
        .get_func(&mut store, "give")
        .unwrap()
        .typed_flat::<u32, u32>(&store)
        .unwrap();
    let r = give
        .call(&mut store, |_| Ok(2), |cx, h| cx.lift_own(h, &ty))
        .unwrap();
    assert_eq!(r.rep(), Some(6));
    r.resource_drop(&mut store).unwrap();
    assert_eq!(store.data(), &[15, 6]);
}
