// Files: creates, writes, appends to, reads back, renames and removes files
// in the directory given as its argument, printing what it sees and every
// error as text.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	dir := os.Args[1]
	a := filepath.Join(dir, "a.txt")
	b := filepath.Join(dir, "b.txt")

	must("write", os.WriteFile(a, []byte("hello\n"), 0o644))
	size("after write", a)

	f, err := os.OpenFile(a, os.O_WRONLY|os.O_APPEND, 0)
	must("open for append", err)
	_, err = f.WriteString("world\n")
	must("append", err)
	// Appends go to the end whatever the offset.
	_, err = f.Seek(0, io.SeekStart)
	must("seek", err)
	_, err = f.WriteString("!\n")
	must("append after seek", err)
	must("close", f.Close())
	size("after append", a)

	data, err := os.ReadFile(a)
	must("read", err)
	fmt.Printf("read: %q\n", data)

	f, err = os.Open(a)
	must("open for reading", err)
	buf := make([]byte, 5)
	n, err := f.ReadAt(buf, 6)
	must("read at 6", err)
	fmt.Printf("read at 6: %q\n", buf[:n])
	_, err = f.Write([]byte("x"))
	fmt.Println("write to read-only file:", err)
	must("close", f.Close())

	f, err = os.OpenFile(a, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	fmt.Println("exclusive create:", err, errors.Is(err, fs.ErrExist))
	if f != nil {
		f.Close()
	}

	must("truncate", os.Truncate(a, 5))
	data, err = os.ReadFile(a)
	must("read truncated", err)
	fmt.Printf("truncated: %q\n", data)

	must("rename", os.Rename(a, b))
	_, err = os.Stat(a)
	fmt.Println("stat old name:", err, errors.Is(err, fs.ErrNotExist))
	size("new name", b)

	// A rename replaces a file already at the new name.
	must("write c", os.WriteFile(filepath.Join(dir, "c.txt"), []byte("ccc"), 0o644))
	must("rename over", os.Rename(filepath.Join(dir, "c.txt"), b))
	data, err = os.ReadFile(b)
	must("read replaced", err)
	fmt.Printf("replaced: %q\n", data)

	_, err = os.ReadFile(filepath.Join(dir, "missing.txt"))
	fmt.Println("read missing:", err)
	err = os.WriteFile(dir, []byte("x"), 0o644)
	fmt.Println("write a directory:", err)
	_, err = os.ReadFile(dir)
	fmt.Println("read a directory:", err)
	_, err = os.ReadFile(filepath.Join(b, "child"))
	fmt.Println("read through a file:", err)

	must("remove", os.Remove(b))
	err = os.Remove(b)
	fmt.Println("remove again:", err, errors.Is(err, fs.ErrNotExist))

	// A file bigger than any one read or write the runtime makes.
	big := make([]byte, 1<<20+3)
	for i := range big {
		big[i] = byte(i % 251)
	}
	bigPath := filepath.Join(dir, "big.bin")
	must("write big", os.WriteFile(bigPath, big, 0o644))
	back, err := os.ReadFile(bigPath)
	must("read big", err)
	fmt.Println("big file:", len(back), bytes.Equal(back, big))
	f, err = os.Open(bigPath)
	must("open big", err)
	end, err := f.Seek(-3, io.SeekEnd)
	must("seek from end", err)
	tail, err := io.ReadAll(f)
	must("read tail", err)
	info, err := f.Stat()
	must("stat open file", err)
	fmt.Printf("tail at %d: %v, size %d\n", end, tail, info.Size())
	must("close big", f.Close())

	// Times: set, then read back.
	when := time.Date(2009, 2, 13, 23, 31, 30, 0, time.UTC)
	must("chtimes", os.Chtimes(bigPath, when, when))
	info, err = os.Stat(bigPath)
	must("stat after chtimes", err)
	fmt.Println("modified:", info.ModTime().UTC().Format(time.RFC3339))

	// Hard and symbolic links.
	linkPath := filepath.Join(dir, "hard.bin")
	must("link", os.Link(bigPath, linkPath))
	info, err = os.Stat(linkPath)
	must("stat link", err)
	fmt.Println("hard link:", info.Size(), info.Sys().(*syscall.Stat_t).Nlink)
	must("symlink", os.Symlink("big.bin", filepath.Join(dir, "sym")))
	target, err := os.Readlink(filepath.Join(dir, "sym"))
	must("readlink", err)
	info, err = os.Stat(filepath.Join(dir, "sym"))
	must("stat through symlink", err)
	fmt.Printf("symlink: %q, size %d\n", target, info.Size())

	// Relative paths resolve against the working directory.
	must("chdir", os.Chdir(dir))
	wd, err := os.Getwd()
	must("getwd", err)
	must("write relative", os.WriteFile("rel.txt", []byte("relative"), 0o644))
	data, err = os.ReadFile(filepath.Join(dir, "rel.txt"))
	must("read relative", err)
	fmt.Printf("relative: %s %q\n", wd, data)

	for _, name := range []string{"big.bin", "hard.bin", "sym", "rel.txt"} {
		must("remove "+name, os.Remove(name))
	}
	entries, err := os.ReadDir(dir)
	must("read dir", err)
	fmt.Println("left:", len(entries))
}

// must stops the program, saying what failed, if err is not nil.
func must(what string, err error) {
	if err != nil {
		fmt.Printf("FAILED %s: %v\n", what, err)
		os.Exit(1)
	}
}

// size prints the size os.Stat reports for path.
func size(what, path string) {
	info, err := os.Stat(path)
	must("stat "+what, err)
	fmt.Printf("%s: %d bytes, regular %v\n", what, info.Size(), info.Mode().IsRegular())
}
