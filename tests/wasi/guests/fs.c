/* Exercises the file system under the directory named by argv[1]: every
 * step prints one line, and the first failure prints why and exits 1. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *base;

/* base/name in a static buffer (one of four, so a call can use two). */
static const char *at(const char *name) {
    static char bufs[4][512];
    static int next;
    char *buf = bufs[next++ % 4];
    snprintf(buf, sizeof bufs[0], "%s/%s", base, name);
    return buf;
}

static void fail(const char *what) {
    printf("FAILED %s: %s\n", what, strerror(errno));
    exit(1);
}

static void check(int ok, const char *what) {
    if (!ok) {
        printf("FAILED %s\n", what);
        exit(1);
    }
}

static int compare(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints `label` and the sorted names in `dir` other than . and .. */
static void list(const char *label, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) fail("opendir");
    char *names[64];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        check(count < 64, "too many entries");
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)count, sizeof names[0], compare);
    printf("%s", label);
    for (int i = 0; i < count; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) fail("open for writing");
    ssize_t n = write(fd, text, strlen(text));
    if (n != (ssize_t)strlen(text)) fail("write");
    if (close(fd) != 0) fail("close");
}

int main(int argc, char **argv) {
    check(argc == 2, "usage: fs DIR");
    base = argv[1];
    char buf[256];
    struct stat st;

    /* create and write */
    int fd = open(at("file.txt"), O_CREAT | O_WRONLY | O_EXCL, 0644);
    if (fd < 0) fail("create");
    ssize_t n = write(fd, "hello, file\n", 12);
    if (n != 12) fail("write");
    if (close(fd) != 0) fail("close");
    printf("wrote %zd bytes\n", n);

    /* O_EXCL on an existing file */
    check(open(at("file.txt"), O_CREAT | O_WRONLY | O_EXCL, 0644) < 0 && errno == EEXIST,
          "O_EXCL on an existing file");
    printf("exclusive create: %s\n", strerror(errno));

    /* read */
    fd = open(at("file.txt"), O_RDWR);
    if (fd < 0) fail("open for reading");
    n = read(fd, buf, sizeof buf - 1);
    if (n < 0) fail("read");
    buf[n] = 0;
    printf("read: %s", buf);

    /* seek */
    if (lseek(fd, 7, SEEK_SET) != 7) fail("lseek");
    n = read(fd, buf, 4);
    if (n != 4) fail("read after seek");
    buf[n] = 0;
    printf("after seek: %s\n", buf);
    check(lseek(fd, 0, SEEK_CUR) == 11, "lseek SEEK_CUR");
    check(lseek(fd, -2, SEEK_END) == 10, "lseek SEEK_END");
    printf("tell ok\n");

    /* truncate */
    if (ftruncate(fd, 5) != 0) fail("ftruncate");
    if (fstat(fd, &st) != 0) fail("fstat");
    printf("truncated to %lld bytes\n", (long long)st.st_size);
    if (lseek(fd, 0, SEEK_SET) != 0) fail("lseek to start");
    n = read(fd, buf, sizeof buf - 1);
    if (n < 0) fail("read after truncate");
    buf[n] = 0;
    printf("now: %s\n", buf);
    if (close(fd) != 0) fail("close");

    /* stat times */
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) fail("clock_gettime");
    if (stat(at("file.txt"), &st) != 0) fail("stat");
    check(S_ISREG(st.st_mode), "stat: a regular file");
    long long age = (long long)now.tv_sec - (long long)st.st_mtim.tv_sec;
    check(age >= -5 && age <= 60, "stat: mtime is now");
    printf("stat: regular file, size %lld, modified just now\n", (long long)st.st_size);
    struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
    if (utimensat(AT_FDCWD, at("file.txt"), times, 0) != 0) fail("utimensat");
    if (stat(at("file.txt"), &st) != 0) fail("stat after utimensat");
    printf("times set: atime %lld, mtime %lld\n", (long long)st.st_atim.tv_sec,
           (long long)st.st_mtim.tv_sec);

    /* rename */
    if (rename(at("file.txt"), at("renamed.txt")) != 0) fail("rename");
    check(stat(at("file.txt"), &st) != 0 && errno == ENOENT, "old name is gone");
    printf("renamed: old name: %s\n", strerror(errno));

    /* link and unlink */
    if (link(at("renamed.txt"), at("hard.txt")) != 0) fail("link");
    if (stat(at("renamed.txt"), &st) != 0) fail("stat after link");
    printf("linked: %llu links\n", (unsigned long long)st.st_nlink);
    if (unlink(at("hard.txt")) != 0) fail("unlink");
    if (stat(at("renamed.txt"), &st) != 0) fail("stat after unlink");
    printf("unlinked: %llu link\n", (unsigned long long)st.st_nlink);

    /* directories */
    if (mkdir(at("sub"), 0755) != 0) fail("mkdir");
    check(mkdir(at("sub"), 0755) != 0 && errno == EEXIST, "mkdir twice");
    printf("mkdir again: %s\n", strerror(errno));
    write_file(at("sub/b"), "b\n");
    write_file(at("sub/a"), "a\n");
    list("sub:", at("sub"));
    check(rmdir(at("sub")) != 0 && errno == ENOTEMPTY, "rmdir of a non-empty directory");
    printf("rmdir non-empty: %s\n", strerror(errno));
    check(unlink(at("sub")) != 0, "unlink of a directory");
    printf("unlink directory: %s\n", strerror(errno));
    if (unlink(at("sub/a")) != 0 || unlink(at("sub/b")) != 0) fail("unlink in sub");
    if (rmdir(at("sub")) != 0) fail("rmdir");
    printf("rmdir ok\n");

    /* symbolic links */
    if (symlink("renamed.txt", at("sym")) != 0) fail("symlink");
    n = readlink(at("sym"), buf, sizeof buf - 1);
    if (n < 0) fail("readlink");
    buf[n] = 0;
    printf("readlink: %s\n", buf);
    if (lstat(at("sym"), &st) != 0) fail("lstat");
    check(S_ISLNK(st.st_mode), "lstat: a symbolic link");
    if (stat(at("sym"), &st) != 0) fail("stat through symlink");
    check(S_ISREG(st.st_mode), "stat through a symlink: a regular file");
    FILE *f = fopen(at("sym"), "r");
    if (!f) fail("fopen through symlink");
    check(fgets(buf, sizeof buf, f) != NULL, "fgets through symlink");
    fclose(f);
    printf("through symlink: %s\n", buf);

    list("listing:", base);
    printf("done\n");
    return 0;
}
