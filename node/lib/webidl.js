'use strict';
// What WebIDL says about the `WebAssembly` namespace and its interfaces, as
// the JS API declares them: the attributes of their properties, `length`s,
// @@toStringTag, and the conversions of arguments and descriptor members
// ([EnforceRange] integers, enumerations, the memory64 address values).
//
// The built-ins used here are taken when the package loads, so that code
// replacing globals later (`Math.trunc`, `BigInt`, ...) cannot change how
// arguments convert.

const { apply, defineProperty, getOwnPropertyDescriptor, ownKeys } = Reflect;
const { isFinite } = Number;
const { trunc } = Math;
const { toPrimitive, toStringTag } = Symbol;
const StringToBigInt = BigInt;
const { asIntN } = BigInt;

const U64_MAX = 0xffff_ffff_ffff_ffffn;

function isObject(v) {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** `ToString(v)`, as WebIDL converts a DOMString or an enumeration (a Symbol is a TypeError). */
function toDOMString(v) {
  return `${v}`;
}

/**
 * An enumeration value: `ToString(v)`, which must be one of `values`
 * (a TypeError naming `what` otherwise).
 */
function toEnum(v, values, what) {
  const s = toDOMString(v);
  // Indexed loops, here and below: array methods and iterators can be
  // replaced by user code.
  for (let i = 0; i < values.length; i++) {
    if (values[i] === s) return s;
  }
  throw new TypeError(`${what} must be one of "${values.join('", "')}", not "${s}"`);
}

/** `[EnforceRange] unsigned long`: an integer from 0 to 2^32 - 1, or a TypeError naming `what`. */
function toEnforcedU32(v, what) {
  const n = +v;
  if (!isFinite(n)) throw new TypeError(`${what} must be a finite number, got ${n}`);
  const integer = trunc(n);
  if (integer < 0 || integer > 0xffff_ffff) {
    throw new TypeError(`${what} must be an integer from 0 to 4294967295, got ${integer}`);
  }
  // trunc(-0.5) is -0, which WebIDL's conversion makes +0.
  return integer + 0;
}

/** `ToPrimitive(v, number)`: `@@toPrimitive`, else `valueOf` then `toString`. */
function toPrimitiveNumber(v) {
  if (!isObject(v)) return v;
  const exotic = v[toPrimitive];
  if (exotic !== undefined && exotic !== null) {
    if (typeof exotic !== 'function') throw new TypeError('Symbol.toPrimitive is not a function');
    const result = apply(exotic, v, ['number']);
    if (isObject(result)) throw new TypeError('Symbol.toPrimitive returned an object');
    return result;
  }
  const names = ['valueOf', 'toString'];
  for (let i = 0; i < names.length; i++) {
    const method = v[names[i]];
    if (typeof method === 'function') {
      const result = apply(method, v, []);
      if (!isObject(result)) return result;
    }
  }
  throw new TypeError('Cannot convert object to primitive value');
}

/**
 * `ToBigInt(v)`: BigInts as they are, booleans as 0n and 1n, strings parsed
 * as BigInt literals (a SyntaxError otherwise); undefined, null, Numbers and
 * Symbols are TypeErrors.
 */
function toBigInt(v) {
  const prim = toPrimitiveNumber(v);
  switch (typeof prim) {
    case 'bigint':
      return prim;
    case 'boolean':
      return prim ? 1n : 0n;
    case 'string':
      return StringToBigInt(prim);
    default:
      throw new TypeError(`Cannot convert ${typeof prim === 'symbol' ? 'a Symbol' : String(prim)} to a BigInt`);
  }
}

/**
 * The JS API's `ToBigInt64(v)`: `ToBigInt(v)` modulo 2^64, as a signed
 * value, which is what `BigInt.asIntN(64, v)` computes. The addon calls it
 * for i64 values that are not BigInts already.
 */
function toBigInt64(v) {
  return asIntN(64, v);
}

/**
 * The JS API's `AddressValueToU64(v, address)`: for "i32" an
 * `[EnforceRange] unsigned long` (a Number), for "i64" `ToBigInt(v)` in
 * 0..2^64 - 1 (a BigInt); out of range is a TypeError naming `what`.
 */
function addressValue(v, address, what) {
  if (address === 'i32') return toEnforcedU32(v, what);
  const n = toBigInt(v);
  if (n < 0n || n > U64_MAX) {
    throw new TypeError(`${what} must be an integer from 0 to 18446744073709551615, got ${n}`);
  }
  return n;
}

/** The address types of memories and tables (the JS API's `AddressType`). */
const ADDRESS_TYPES = ['i32', 'i64'];

/**
 * A descriptor's `address` member, read and converted first, as the JS API's
 * dictionaries are: "i32" when it is undefined.
 */
function readAddress(descriptor) {
  const address = descriptor.address;
  return address === undefined ? 'i32' : toEnum(address, ADDRESS_TYPES, 'a descriptor\'s "address"');
}

/**
 * Gives the class `cls` the shape WebIDL gives the interface `name` of the
 * namespace: operations and attributes (methods and accessors, static or
 * not) enumerable, the constructor's `length`, and @@toStringTag
 * "WebAssembly.<name>" on the prototype (configurable, neither writable nor
 * enumerable). Classes make methods non-enumerable, and a constructor's
 * length counts every parameter before the first default, so both are set
 * here once.
 */
function exposeInterface(cls, name, length) {
  for (const target of [cls, cls.prototype]) {
    for (const key of ownKeys(target)) {
      // The class's own `length`, `name` and `prototype`, and the
      // prototype's `constructor`, keep the attributes classes give them.
      if (target === cls ? key === 'length' || key === 'name' || key === 'prototype' : key === 'constructor') {
        continue;
      }
      const descriptor = getOwnPropertyDescriptor(target, key);
      descriptor.enumerable = true;
      defineProperty(target, key, descriptor);
    }
  }
  defineProperty(cls, 'length', { value: length });
  defineProperty(cls.prototype, toStringTag, { value: `WebAssembly.${name}`, configurable: true });
}

/**
 * Makes the namespace object: `interfaces` (classes) are writable,
 * configurable and not enumerable, `operations` (functions) writable,
 * configurable and enumerable, as WebIDL defines a namespace's members; and
 * @@toStringTag is `tag` (configurable, neither writable nor enumerable).
 */
function makeNamespace(tag, { interfaces, operations }) {
  const namespace = {};
  for (const [key, value] of Object.entries(operations)) {
    defineProperty(namespace, key, { value, writable: true, enumerable: true, configurable: true });
  }
  for (const [key, value] of Object.entries(interfaces)) {
    defineProperty(namespace, key, { value, writable: true, enumerable: false, configurable: true });
  }
  defineProperty(namespace, toStringTag, { value: tag, configurable: true });
  return namespace;
}

module.exports = {
  isObject,
  toDOMString,
  toEnum,
  toEnforcedU32,
  toBigInt,
  toBigInt64,
  addressValue,
  readAddress,
  exposeInterface,
  makeNamespace,
};
