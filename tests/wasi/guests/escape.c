/* Tries to reach outside its pre-opened directories /a and /b. Every
 * attempt must fail: each prints `NAME: refused (ERRNO TEXT)`, or
 * `NAME: ESCAPED` and the program then exits 1.
 *
 * The host puts a file `f` and a directory `sub` in /a, and symbolic links
 * `hostetc -> /etc` and `hostup -> ..` that it made itself. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int escaped;

static void refused(const char *name, int result) {
    if (result >= 0) {
        printf("%s: ESCAPED\n", name);
        escaped = 1;
    } else {
        printf("%s: refused (%s)\n", name, strerror(errno));
    }
}

static int try_fopen(const char *path, const char *mode) {
    FILE *f = fopen(path, mode);
    if (!f) return -1;
    fclose(f);
    return 0;
}

static int try_open(const char *path, int flags) {
    int fd = open(path, flags, 0644);
    if (fd >= 0) close(fd);
    return fd;
}

int main(void) {
    refused("fopen ../escape.txt", try_fopen("../escape.txt", "w"));
    refused("fopen /a/../escape.txt", try_fopen("/a/../escape.txt", "w"));
    refused("fopen /a/sub/../../escape.txt", try_fopen("/a/sub/../../escape.txt", "w"));
    refused("fopen /etc/passwd", try_fopen("/etc/passwd", "r"));
    refused("open /a/..", try_open("/a/..", O_RDONLY | O_DIRECTORY));

    /* A symbolic link the guest makes: creating it may or may not be
     * allowed, but following it out of the sandbox must not be. */
    int made = symlink("/etc", "/a/link");
    printf("symlink /etc: %s\n", made == 0 ? "created" : strerror(errno));
    refused("open /a/link/passwd", try_open("/a/link/passwd", O_RDONLY));
    made = symlink("..", "/a/up");
    printf("symlink ..: %s\n", made == 0 ? "created" : strerror(errno));
    refused("open /a/up/escape.txt", try_open("/a/up/escape.txt", O_CREAT | O_WRONLY));

    /* Symbolic links the host made. */
    refused("open /a/hostetc/passwd", try_open("/a/hostetc/passwd", O_RDONLY));
    refused("open /a/hostup/escape.txt", try_open("/a/hostup/escape.txt", O_CREAT | O_WRONLY));
    refused("mkdir /a/hostup/escape", mkdir("/a/hostup/escape", 0755));

    /* Across two pre-opened directories. */
    refused("link /a/f /b/g", link("/a/f", "/b/g"));
    refused("rename /a/f /b/f", rename("/a/f", "/b/f"));

    printf(escaped ? "ESCAPED\n" : "all refused\n");
    return escaped;
}
