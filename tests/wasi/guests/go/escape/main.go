// Escape: tries to reach files outside its pre-opened directory, the one
// its argument names, and prints the error each attempt gets. The host puts
// `inside.txt` there, a symbolic link `up` to `../outside.txt` and a
// symbolic link `etc` to `/etc`.
//
// Go cleans `..` out of paths and picks the pre-open itself, so a path
// outside every pre-open reaches the runtime as descriptor -1; the symbolic
// links are what the runtime itself must refuse to follow.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := os.Args[1]
	try("inside", filepath.Join(dir, "inside.txt"))
	try("parent", "../outside.txt")
	try("parent of the pre-open", filepath.Join(dir, "..", "outside.txt"))
	try("absolute", "/etc/passwd")
	try("symlink to parent", filepath.Join(dir, "up"))
	try("symlink to /etc", filepath.Join(dir, "etc", "passwd"))
	target, err := os.Readlink(filepath.Join(dir, "up"))
	fmt.Printf("readlink up: %q %v\n", target, err)
	info, err := os.Lstat(filepath.Join(dir, "up"))
	if err == nil {
		fmt.Println("lstat up: symlink", info.Mode()&os.ModeSymlink != 0)
	} else {
		fmt.Println("lstat up:", err)
	}
	_, err = os.Stat(filepath.Join(dir, "up"))
	fmt.Println("stat up:", err)
	err = os.WriteFile(filepath.Join(dir, "up"), []byte("x"), 0o644)
	fmt.Println("write through symlink to parent:", err)
	err = os.WriteFile(filepath.Join(dir, "etc", "escape.txt"), []byte("x"), 0o644)
	fmt.Println("write through symlink to /etc:", err)
	err = os.Mkdir(filepath.Join(dir, "etc", "escape"), 0o755)
	fmt.Println("mkdir through symlink to /etc:", err)
	_, err = os.ReadDir(filepath.Join(dir, "etc"))
	fmt.Println("list symlink to /etc:", err)
}

// try reads path and prints what it read or the error.
func try(what, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
	} else {
		fmt.Printf("%s: read %q\n", what, data)
	}
}
