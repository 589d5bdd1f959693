/* Exits with the code its first argument names: "return" returns 7 from
 * main, "exit" calls exit(3), and anything else returns 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "";
    printf("exiting via %s\n", how);
    fflush(stdout);
    if (strcmp(how, "return") == 0) {
        return 7;
    }
    if (strcmp(how, "exit") == 0) {
        exit(3);
    }
    return 0;
}
