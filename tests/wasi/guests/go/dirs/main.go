// Dirs: makes, lists, walks and removes directories under the directory
// given as its argument, printing what it sees and every error as text.
package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	root := os.Args[1]
	deep := filepath.Join(root, "a", "b", "c")
	must("mkdir -p", os.MkdirAll(deep, 0o755))
	must("mkdir -p again", os.MkdirAll(deep, 0o755))
	fmt.Println("mkdir existing:", os.Mkdir(filepath.Join(root, "a"), 0o755))
	must("write x", os.WriteFile(filepath.Join(root, "a", "x.txt"), []byte("x"), 0o644))
	must("write y", os.WriteFile(filepath.Join(root, "a", "b", "y.txt"), []byte("yy"), 0o644))
	must("mkdir z", os.Mkdir(filepath.Join(root, "a", "z"), 0o755))
	fmt.Println("mkdir -p through a file:", os.MkdirAll(filepath.Join(root, "a", "x.txt", "d"), 0o755))

	entries, err := os.ReadDir(filepath.Join(root, "a"))
	must("read dir", err)
	for _, e := range entries {
		fmt.Printf("entry %s dir=%v\n", e.Name(), e.IsDir())
	}
	_, err = os.ReadDir(filepath.Join(root, "a", "x.txt"))
	fmt.Println("read dir of a file:", err)
	_, err = os.ReadDir(filepath.Join(root, "none"))
	fmt.Println("read missing dir:", err)

	tmp, err := os.MkdirTemp(root, "tmp-*")
	must("mkdir temp", err)
	name := strings.TrimPrefix(tmp, root+"/")
	fmt.Println("temp name:", strings.HasPrefix(name, "tmp-") && len(name) > len("tmp-") && !strings.Contains(name, "/"))
	info, err := os.Stat(tmp)
	must("stat temp", err)
	fmt.Println("temp is dir:", info.IsDir())
	inside, err := os.ReadDir(tmp)
	must("read temp", err)
	fmt.Println("temp entries:", len(inside))
	must("fill temp", os.MkdirAll(filepath.Join(tmp, "p", "q"), 0o755))
	must("fill temp", os.WriteFile(filepath.Join(tmp, "p", "q", "f"), nil, 0o644))
	must("remove temp", os.RemoveAll(tmp))
	_, err = os.Stat(tmp)
	fmt.Println("temp removed:", os.IsNotExist(err))

	fmt.Println("remove non-empty:", os.Remove(filepath.Join(root, "a", "b")))
	must("walk", filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		kind := "file"
		if d.IsDir() {
			kind = "dir"
		}
		fmt.Printf("walk %s %s\n", rel, kind)
		return nil
	}))

	// More entries than one fd_readdir call returns, read all at once and
	// a few at a time.
	many := filepath.Join(root, "many")
	must("mkdir many", os.Mkdir(many, 0o755))
	for i := range 300 {
		name := fmt.Sprintf("entry-%03d-%s", i, strings.Repeat("x", i%50))
		must("create "+name, os.WriteFile(filepath.Join(many, name), nil, 0o644))
	}
	entries, err = os.ReadDir(many)
	must("read many", err)
	fmt.Printf("many: %d, first %s, last %s\n", len(entries), entries[0].Name(), entries[len(entries)-1].Name())
	d, err := os.Open(many)
	must("open many", err)
	seen := map[string]bool{}
	calls := 0
	for {
		batch, err := d.ReadDir(7)
		if err == io.EOF {
			break
		}
		must("read batch", err)
		calls++
		for _, e := range batch {
			if seen[e.Name()] {
				fmt.Println("listed twice:", e.Name())
			}
			seen[e.Name()] = true
		}
	}
	must("close many", d.Close())
	fmt.Printf("many in batches of 7: %d entries, %d calls\n", len(seen), calls)
	must("remove many", os.RemoveAll(many))

	must("remove all", os.RemoveAll(filepath.Join(root, "a")))
	entries, err = os.ReadDir(root)
	must("read root", err)
	fmt.Println("left:", len(entries))
}

// must stops the program, saying what failed, if err is not nil.
func must(what string, err error) {
	if err != nil {
		fmt.Printf("FAILED %s: %v\n", what, err)
		os.Exit(1)
	}
}
