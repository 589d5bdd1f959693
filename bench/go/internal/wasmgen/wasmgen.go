// Package wasmgen encodes the modules the benchmarks make themselves: the
// calls module, a module of many functions for compilation, and a small
// module for instantiation. They are encoded here in binary, so that all
// three runtimes get the same bytes and the harness needs no wat2wasm.
package wasmgen

import "strconv"

const (
	i32     = 0x7f
	funcref = 0x70
)

// Calls is the calls module:
//
//	(module
//	  (import "env" "inc" (func $inc (param i32) (result i32)))
//	  (func (export "add") (param i32 i32) (result i32)
//	    (i32.add (local.get 0) (local.get 1)))
//	  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
//	    (block (loop
//	      (br_if 1 (i32.eqz (local.get $n)))
//	      (local.set $acc (call $inc (local.get $acc)))
//	      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
//	      (br 0)))
//	    (local.get $acc)))
//
// loop(n) calls inc n times and, when inc adds one, returns n.
func Calls() []byte {
	var types out
	types.uleb(2)
	types.funcType([]byte{i32, i32}, []byte{i32})
	types.funcType([]byte{i32}, []byte{i32})

	var imports out
	imports.uleb(1)
	imports.name("env")
	imports.name("inc")
	imports.b(0x00).uleb(1)

	var funcs out
	funcs.uleb(2).uleb(0).uleb(1)

	var exports out
	exports.uleb(2)
	exports.name("add")
	exports.b(0x00).uleb(1)
	exports.name("loop")
	exports.b(0x00).uleb(2)

	var add out
	add.uleb(0) // no locals
	add.b(0x20).uleb(0).b(0x20).uleb(1).b(0x6a).b(0x0b)

	var loop out
	loop.uleb(1).uleb(1).b(i32)                                  // one local: $acc
	loop.b(0x02).b(0x40)                                         // block
	loop.b(0x03).b(0x40)                                         // loop
	loop.b(0x20).uleb(0).b(0x45).b(0x0d).uleb(1)                 // br_if 1 (i32.eqz $n)
	loop.b(0x20).uleb(1).b(0x10).uleb(0).b(0x21).uleb(1)         // $acc = inc($acc)
	loop.b(0x20).uleb(0).b(0x41).sleb(1).b(0x6b).b(0x21).uleb(0) // $n -= 1
	loop.b(0x0c).uleb(0)                                         // br 0
	loop.b(0x0b).b(0x0b)                                         // end loop, end block
	loop.b(0x20).uleb(1).b(0x0b)

	var code out
	code.uleb(2).blob(add).blob(loop)

	m := header()
	m.section(1, types).section(2, imports).section(3, funcs).section(7, exports).section(10, code)
	return m
}

// ManyFuncs is a module of n small exported functions,
// f<i>(x) = x*(i+seed) + (i+seed+1), and one memory page. A different seed
// gives different bytes, so no runtime can reuse an earlier compilation.
func ManyFuncs(n, seed int) []byte {
	var types out
	types.uleb(1)
	types.funcType([]byte{i32}, []byte{i32})

	var funcs out
	funcs.uleb(uint64(n))
	for range n {
		funcs.uleb(0)
	}

	var memory out
	memory.uleb(1).b(0x00).uleb(1)

	var exports out
	exports.uleb(uint64(n))
	for i := range n {
		exports.name("f" + strconv.Itoa(i))
		exports.b(0x00).uleb(uint64(i))
	}

	var code out
	code.uleb(uint64(n))
	for i := range n {
		var body out
		body.uleb(0)
		body.b(0x20).uleb(0).b(0x41).sleb(int64(i + seed)).b(0x6c)
		body.b(0x41).sleb(int64(i + seed + 1)).b(0x6a).b(0x0b)
		code.blob(body)
	}

	m := header()
	m.section(1, types).section(3, funcs).section(5, memory).section(7, exports).section(10, code)
	return m
}

// Small is the instantiation benchmark's module, the one bench/src/generate.rs
// instantiates (SMALL_MODULE):
//
//	(module
//	  (memory (export "memory") 1)
//	  (table (export "table") 4 funcref)
//	  (global $g (export "g") (mut i32) (i32.const 7))
//	  (func $one (export "one") (result i32) i32.const 1)
//	  (func $add_g (export "add_g") (param i32) (result i32)
//	    local.get 0 global.get $g i32.add)
//	  (func (export "mul") (param i32 i32) (result i32)
//	    local.get 0 local.get 1 i32.mul)
//	  (elem (i32.const 0) $one $add_g)
//	  (data (i32.const 16) "kiln bench instantiation"))
func Small() []byte {
	var types out
	types.uleb(3)
	types.funcType(nil, []byte{i32})
	types.funcType([]byte{i32}, []byte{i32})
	types.funcType([]byte{i32, i32}, []byte{i32})

	var funcs out
	funcs.uleb(3).uleb(0).uleb(1).uleb(2)

	var table out
	table.uleb(1).b(funcref).b(0x00).uleb(4)

	var memory out
	memory.uleb(1).b(0x00).uleb(1)

	var global out
	global.uleb(1).b(i32).b(0x01).b(0x41).sleb(7).b(0x0b)

	var exports out
	exports.uleb(6)
	for _, e := range []struct {
		name       string
		kind, indx uint64
	}{{"memory", 2, 0}, {"table", 1, 0}, {"g", 3, 0}, {"one", 0, 0}, {"add_g", 0, 1}, {"mul", 0, 2}} {
		exports.name(e.name)
		exports.uleb(e.kind).uleb(e.indx)
	}

	var elem out
	elem.uleb(1).uleb(0).b(0x41).sleb(0).b(0x0b).uleb(2).uleb(0).uleb(1)

	var one, addG, mul out
	one.uleb(0).b(0x41).sleb(1).b(0x0b)
	addG.uleb(0).b(0x20).uleb(0).b(0x23).uleb(0).b(0x6a).b(0x0b)
	mul.uleb(0).b(0x20).uleb(0).b(0x20).uleb(1).b(0x6c).b(0x0b)
	var code out
	code.uleb(3).blob(one).blob(addG).blob(mul)

	var data out
	data.uleb(1).uleb(0).b(0x41).sleb(16).b(0x0b)
	data.name("kiln bench instantiation")

	m := header()
	m.section(1, types).section(3, funcs).section(4, table).section(5, memory).section(6, global).
		section(7, exports).section(9, elem).section(10, code).section(11, data)
	return m
}

func header() out {
	return out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
}

// out is a module, a section or a function body being encoded.
type out []byte

func (o *out) b(v byte) *out {
	*o = append(*o, v)
	return o
}

func (o *out) uleb(v uint64) *out {
	for {
		bits := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			*o = append(*o, bits)
			return o
		}
		*o = append(*o, bits|0x80)
	}
}

func (o *out) sleb(v int64) *out {
	for {
		bits := byte(v & 0x7f)
		v >>= 7
		done := (v == 0 && bits&0x40 == 0) || (v == -1 && bits&0x40 != 0)
		if done {
			*o = append(*o, bits)
			return o
		}
		*o = append(*o, bits|0x80)
	}
}

// name is a length-prefixed UTF-8 string (a name, or a data segment's bytes).
func (o *out) name(s string) *out {
	o.uleb(uint64(len(s)))
	*o = append(*o, s...)
	return o
}

// blob is a length-prefixed function body.
func (o *out) blob(body out) *out {
	o.uleb(uint64(len(body)))
	*o = append(*o, body...)
	return o
}

func (o *out) section(id byte, contents out) *out {
	o.b(id)
	return o.blob(contents)
}

func (o *out) funcType(params, results []byte) *out {
	o.b(0x60).uleb(uint64(len(params)))
	*o = append(*o, params...)
	o.uleb(uint64(len(results)))
	*o = append(*o, results...)
	return o
}
