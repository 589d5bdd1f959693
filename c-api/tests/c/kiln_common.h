/* Helpers shared by the C test programs that use kiln.h. */
#ifndef KILN_COMMON_H
#define KILN_COMMON_H

#include "common.h"
#include "kiln.h"

/* Exits with the error's message if there is an error. */
static inline void check_ok(kiln_error_t* error) {
  if (error != NULL) {
    wasm_message_t message;
    kiln_error_message(error, &message);
    fprintf(stderr, "error: %s\n", message.data);
    exit(1);
  }
}

/* Prints `what` and the error's message with the first `hide` (unless NULL)
 * shown as `as`, and deletes the error, which must be there. */
static inline void print_error_hiding(const char* what, kiln_error_t* error, const char* hide,
                                      const char* as) {
  CHECK(error != NULL);
  wasm_message_t message;
  kiln_error_message(error, &message);
  const char* at = hide != NULL ? strstr(message.data, hide) : NULL;
  if (at != NULL) {
    printf("%s: %.*s%s%s\n", what, (int)(at - message.data), message.data, as, at + strlen(hide));
  } else {
    printf("%s: %s\n", what, message.data);
  }
  wasm_byte_vec_delete(&message);
  CHECK(!kiln_error_exit_status(error, NULL));
  kiln_error_delete(error);
}

/* Prints `what` and the error's message, and deletes the error. */
static inline void print_error(const char* what, kiln_error_t* error) {
  print_error_hiding(what, error, NULL, NULL);
}

#endif
