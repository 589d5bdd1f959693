/* Prints each argument and each environment variable, one a line. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]=%s\n", i, argv[i]);
    }
    for (char **env = environ; *env; env++) {
        printf("env %s\n", *env);
    }
    return 0;
}
