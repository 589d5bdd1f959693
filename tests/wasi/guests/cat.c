/* Copies stdin to stdout and then prints how many bytes it copied to stderr. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char buf[4096];
    long total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(1, buf + done, (size_t)(n - done));
            if (w < 0) {
                perror("write");
                return 1;
            }
            done += w;
        }
        total += n;
    }
    if (n < 0) {
        perror("read");
        return 1;
    }
    fprintf(stderr, "%ld bytes\n", total);
    return 0;
}
