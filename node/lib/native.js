'use strict';
// The native addon, loaded once for the whole package, and the calls of
// numbers made over it (lib/calls.js), whose shared buffer index.js hands to
// the addon's `init`. index.js and probes.js both take them from here, so
// that the benchmark probes go through the same addon and the same slots as
// the package's own exported functions.

const path = require('node:path');

const native = require(path.join(__dirname, '..', 'kiln.node'));
const numericCalls = require('./calls.js')(native.numericSlots, native.invokeNumeric, native.addSlots);

module.exports = { native, numericCalls };
