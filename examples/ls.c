/* Lists a directory (the first argument, or ".") in name order and prints
 * the first line of each regular file.
 *
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 -o examples/ls.wasm examples/ls.c
 *   kiln run --dir .::/ examples/ls.wasm /
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    struct dirent **entries;
    int count = scandir(dir, &entries, NULL, by_name);
    if (count < 0) {
        fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int status = 0;
    for (int i = 0; i < count; i++) {
        const char *name = entries[i]->d_name;
        char path[4096];
        snprintf(path, sizeof path, "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
        struct stat st;
        if (name[0] == '.' || lstat(path, &st) != 0) {
            free(entries[i]);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            printf("%s/\n", name);
        } else if (S_ISREG(st.st_mode)) {
            char line[256] = "";
            FILE *f = fopen(path, "r");
            if (f == NULL) {
                fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
                status = 1;
            } else {
                if (fgets(line, sizeof line, f) == NULL) line[0] = 0;
                line[strcspn(line, "\n")] = 0;
                fclose(f);
            }
            printf("%s: %s\n", name, line);
        } else {
            printf("%s\n", name);
        }
        free(entries[i]);
    }
    free(entries);
    return status;
}
