// The `traps` guest: calls that trap in the guest, in a host import, or in
// the canonical ABI while lifting what the guest returned.
#include "traps.h"

#include "common.h"

uint32_t exports_traps_echo(uint32_t x) { return x; }

uint32_t exports_traps_trap_after_import(uint32_t x) {
  kiln_corpus_trap_host_note(x);
  __builtin_trap();
}

uint32_t exports_traps_fail_via_host(uint32_t x, traps_string_t *msg) {
  kiln_corpus_trap_host_note(x);
  kiln_corpus_trap_host_fail(msg);
  kiln_corpus_trap_host_note(x + 1);
  traps_string_free(msg);
  return x;
}

void exports_traps_bad_utf8(traps_string_t *ret) {
  ret->ptr = corpus_alloc(2);
  ret->ptr[0] = 0xff;
  ret->ptr[1] = 0xfe;
  ret->len = 2;
}

uint32_t exports_traps_bad_char(void) { return 0xd800; }

traps_direction_t exports_traps_bad_enum(void) { return 9; }

void exports_traps_bad_list(traps_list_u32_t *ret) {
  // Past the end of any 32-bit memory (the list would end at 4 GiB + 3984).
  ret->ptr = (uint32_t *)(uintptr_t)0xfffffff0u;
  ret->len = 1000;
}

// A buffer whose second byte is not 4-aligned.
static uint32_t misaligned_buffer[4];

void exports_traps_misaligned_list(traps_list_u32_t *ret) {
  ret->ptr = (uint32_t *)((uint8_t *)misaligned_buffer + 1);
  ret->len = 2;
}
